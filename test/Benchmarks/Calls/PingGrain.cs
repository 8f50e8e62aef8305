using Orleans;
using Orleans.Placement;
using Orleans.Runtime;

namespace MicroSeg.Benchmarks.Calls;

/// <summary>
/// No state, no await. Placed on the silo whose client first calls it, so the benchmark decides where
/// each key lives by which silo activates it (and checks it with <see cref="SiloAsync"/>).
/// </summary>
[PreferLocalPlacement]
internal sealed class PingGrain(ILocalSiloDetails silo) : Grain, IPingGrain
{
    public Task<int> PingAsync(int value) => Task.FromResult(value + 1);

    public Task<string> SiloAsync() => Task.FromResult(silo.SiloAddress.ToString());
}
