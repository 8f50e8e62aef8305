namespace MicroSeg.EndToEnd.Tests.Infrastructure;

internal sealed partial class ChildProcess
{
    private const int SigKill = 9;
    private const int SigCont = 18;
    private const int SigStop = 19;

    /// <summary>The process id.</summary>
    public int Pid => _process.Id;

    /// <summary>kill -9: the process dies at once, with no chance to clean up (a crashed host).</summary>
    public async Task KillAsync()
    {
        if (_process.HasExited)
            return;
        _ = Kill(_process.Id, SigKill);
        await _process.WaitForExitAsync();
    }

    /// <summary>SIGSTOP: the process freezes (a hung host or a long GC pause) and answers nothing until <see cref="Resume"/>.</summary>
    public void Freeze() => _ = Kill(_process.Id, SigStop);

    /// <summary>SIGCONT: a frozen process runs on, unaware of the time it lost.</summary>
    public void Resume() => _ = Kill(_process.Id, SigCont);

    /// <summary>Waits for the process to exit on its own; false if it is still running after <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
