namespace MicroSeg.Runtime.Tests.TestGrains;

/// <summary>A grain keyed by integer that answers with its key.</summary>
public interface IEchoGrain : IGrainWithIntegerKey
{
    /// <summary>Echoes with the key.</summary>
    ValueTask<string> EchoAsync(string text);
}

public sealed class EchoGrain : Grain, IEchoGrain
{
    public ValueTask<string> EchoAsync(string text) => ValueTask.FromResult($"{GetPrimaryKeyLong()}:{text}");
}

/// <summary>Receives grain references as arguments and returns them.</summary>
public interface IRelayGrain : IGrainWithStringKey
{
    /// <summary>Calls the given grain.</summary>
    Task<string> RelayAsync(IEchoGrain target, string text);

    /// <summary>Returns a reference to an echo grain.</summary>
    Task<IEchoGrain> GetEchoAsync(long key);
}

public sealed class RelayGrain : Grain, IRelayGrain
{
    public async Task<string> RelayAsync(IEchoGrain target, string text) => await target.EchoAsync(text);

    public Task<IEchoGrain> GetEchoAsync(long key) => Task.FromResult(GrainFactory.GetGrain<IEchoGrain>(key));
}
