using System.Diagnostics;
using MicroSeg.Testing;

namespace MicroSeg.Bpf.Tests.Fixtures;

/// <summary>What the loading tests share: a datapath in a pin directory of their own, and tc(8) as an independent view of the hooks.</summary>
internal static class KernelTools
{
    public static Datapath Load(string pinDirectory) => Datapath.Load(new DatapathOptions
    {
        ObjectPath = RepoLayout.BpfObjectPath,
        PinDirectory = pinDirectory,
        ConntrackMaxEntries = 4096,
    });

    public static void DeletePins(string pinDirectory)
    {
        if (Directory.Exists(pinDirectory))
            Directory.Delete(pinDirectory, recursive: true);
    }

    /// <summary>The lines of <c>tc filter show</c> at one hook that name one of our programs.</summary>
    public static string[] OurFilters(string device, string direction) =>
        Tc("filter", "show", "dev", device, direction).Split('\n').Where(l => l.Contains("ms_")).ToArray();

    public static string Tc(params string[] args) => Run("tc", args);

    /// <summary>Runs a command; throws with its stderr when it fails.</summary>
    public static string Run(string command, params string[] args)
    {
        var psi = new ProcessStartInfo(command) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
            psi.ArgumentList.Add(arg);
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEnd();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"'{command} {string.Join(' ', args)}' failed: {stderr}");
        return stdout;
    }
}
