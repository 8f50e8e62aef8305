namespace MicroSeg.Runtime.Tests.TestGrains;

/// <summary>What a turn-checking grain saw.</summary>
public sealed record TurnReport(int Calls, int MaxConcurrent, int Activations);

/// <summary>Checks that turns never overlap.</summary>
public interface ISerialGrain : IGrainWithStringKey
{
    /// <summary>Enters, awaits twice, leaves; counts overlaps.</summary>
    Task EnterAsync();

    /// <summary>The report.</summary>
    Task<TurnReport> GetReportAsync();
}

public sealed class SerialGrain : Grain, ISerialGrain
{
    private int _inside;
    private int _max;
    private int _calls;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        Probe.Increment($"activate:{GetPrimaryKeyString()}");
        return Task.CompletedTask;
    }

    public async Task EnterAsync()
    {
        _inside++;
        _max = Math.Max(_max, _inside);
        await Task.Yield();
        await Task.Delay(0);
        _max = Math.Max(_max, _inside);
        _calls++;
        _inside--;
    }

    public Task<TurnReport> GetReportAsync() =>
        Task.FromResult(new TurnReport(_calls, _max, Probe.Get($"activate:{GetPrimaryKeyString()}")));
}
