using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace MicroSeg.Testing;

/// <summary>ICMP echo from a pod (iputils ping inside its namespace), for real-traffic tests.</summary>
public static class TestPodIcmp
{
    /// <summary>Sends one echo request from <paramref name="pod"/>; true when a reply came back within <paramref name="timeout"/>.</summary>
    public static async Task<bool> CanPingAsync(this TestPod pod, IPAddress to, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(to);
        var seconds = Math.Max(1, (int)Math.Ceiling(timeout.TotalSeconds));
        var psi = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "netns", "exec", pod.Namespace, "ping", "-n", "-q", "-c", "1", "-W",
                     seconds.ToString(CultureInfo.InvariantCulture), to.ToString() })
            psi.ArgumentList.Add(arg);
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start ping");
        using var cts = new CancellationTokenSource(timeout + TimeSpan.FromSeconds(5));
        await process.WaitForExitAsync(cts.Token);
        return process.ExitCode == 0;
    }
}
