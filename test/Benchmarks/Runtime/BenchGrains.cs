using MicroSeg.Runtime;
using MicroSeg.Runtime.Hosting;

namespace MicroSeg.Benchmarks.Runtime;

/// <summary>The grain the runtime benchmarks call: an echo, and where it runs.</summary>
public interface IPingGrain : IGrainWithIntegerKey
{
    /// <summary>Returns <paramref name="value"/> + 1.</summary>
    Task<int> PingAsync(int value);

    /// <summary>The gateway port of the silo hosting this activation (tells the silos of one process apart).</summary>
    Task<int> SiloAsync();
}

/// <summary>Echo grain: no state, no await.</summary>
public sealed class PingGrain(ILocalSiloDetails silo) : Grain, IPingGrain
{
    public Task<int> PingAsync(int value) => Task.FromResult(value + 1);

    public Task<int> SiloAsync() => Task.FromResult(silo.GatewayEndpoint?.Port ?? 0);
}

/// <summary>The baseline: the same interface implemented by a plain object and called directly.</summary>
public sealed class DirectPing : IPingGrain
{
    public Task<int> PingAsync(int value) => Task.FromResult(value + 1);

    public Task<int> SiloAsync() => Task.FromResult(0);
}
