namespace MicroSeg.EndToEnd.Tests.Infrastructure;

internal sealed partial class ChildProcess
{
    private const int SigKill = 9;

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
}
