using System.Diagnostics;

namespace MicroSeg.Testing;

/// <summary>Runs iproute2 for setup and teardown; failures name the command and its stderr.</summary>
internal static class IpCommand
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public static string Run(params string[] args)
    {
        var (exitCode, stdout, stderr) = TryRun(args);
        if (exitCode != 0)
            throw new InvalidOperationException($"'ip {string.Join(' ', args)}' failed (exit {exitCode}): {stderr.Trim()}");
        return stdout;
    }

    public static (int ExitCode, string Stdout, string Stderr) TryRun(params string[] args)
    {
        var psi = new ProcessStartInfo("ip")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
            psi.ArgumentList.Add(arg);

        using var process = Process.Start(psi)
            ?? throw new InvalidOperationException($"could not start 'ip {string.Join(' ', args)}'");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill();
            throw new TimeoutException($"'ip {string.Join(' ', args)}' did not finish within {Timeout}.");
        }
        return (process.ExitCode, stdout.Result, stderr.Result);
    }
}
