using System.Diagnostics;

namespace MicroSeg.EndToEnd.Tests.Infrastructure;

/// <summary>What the kernel's tc hooks of a device hold, read with tc(8): the end-to-end tests' independent view.</summary>
internal static class TcFilters
{
    /// <summary>
    /// Whether both hooks of <paramref name="device"/> hold a MicroSeg program (ms_from_workload in, ms_to_workload
    /// out; the kernel keeps 15 bytes of a program's name, so tc shows "ms_from_workloa").
    /// </summary>
    public static bool HasOurPrograms(string device) =>
        Show(device, "ingress").Contains("ms_from_workloa", StringComparison.Ordinal)
        && Show(device, "egress").Contains("ms_to_workload", StringComparison.Ordinal);

    /// <summary>Whether either hook of <paramref name="device"/> holds any MicroSeg program.</summary>
    public static bool HasAnyOfOurs(string device) =>
        Show(device, "ingress").Contains("ms_", StringComparison.Ordinal) || Show(device, "egress").Contains("ms_", StringComparison.Ordinal);

    /// <summary>The filters at one hook; empty when the device or its clsact qdisc does not exist.</summary>
    public static string Show(string device, string hook)
    {
        var psi = new ProcessStartInfo("tc") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "filter", "show", "dev", device, hook })
            psi.ArgumentList.Add(arg);
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start tc");
        var stdout = process.StandardOutput.ReadToEnd();
        process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? stdout : "";
    }
}
