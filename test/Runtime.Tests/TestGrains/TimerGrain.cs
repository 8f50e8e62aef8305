namespace MicroSeg.Runtime.Tests.TestGrains;

/// <summary>What the timer grain saw.</summary>
public sealed record TimerReport(int Ticks, int MaxConcurrent, int Busy);

/// <summary>A grain whose timer ticks while requests run.</summary>
public interface ITimerGrain : IGrainWithGuidKey
{
    /// <summary>Starts a timer with the period.</summary>
    Task StartAsync(TimeSpan period);

    /// <summary>A request that spans several awaits.</summary>
    Task BusyAsync();

    /// <summary>The report.</summary>
    Task<TimerReport> GetReportAsync();

    /// <summary>Stops the timer.</summary>
    Task StopAsync();
}

public sealed class TimerGrain : Grain, ITimerGrain
{
    private IGrainTimer? _timer;
    private int _inside;
    private int _max;
    private int _ticks;
    private int _busy;

    public Task StartAsync(TimeSpan period)
    {
        _timer = RegisterGrainTimer(async (step, ct) =>
        {
            await EnterAsync();
            _ticks += step;
        }, 1, period, period);
        return Task.CompletedTask;
    }

    public async Task BusyAsync()
    {
        for (var i = 0; i < 5; i++)
            await EnterAsync();
        _busy++;
    }

    public Task<TimerReport> GetReportAsync() => Task.FromResult(new TimerReport(_ticks, _max, _busy));

    public Task StopAsync()
    {
        _timer?.Dispose();
        return Task.CompletedTask;
    }

    private async Task EnterAsync()
    {
        _inside++;
        _max = Math.Max(_max, _inside);
        await Task.Delay(2);
        _inside--;
    }
}
