using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MicroSeg.Bpf;
using MicroSeg.NodeAgent.Hosting;
using MicroSeg.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace MicroSeg.NodeAgent.Tests.Hosting;

/// <summary>
/// The agent's host loads the data plane with each conntrack map at its own configured size, read back from the
/// kernel (bpftool's view of the pinned maps, max_entries), and reports both sizes on /metrics. Needs root and a
/// kernel that loads the object; elsewhere the test fails rather than skipping.
/// </summary>
public sealed class AgentConntrackSizingTests : IDisposable
{
    private readonly string _pinRoot = $"/sys/fs/bpf/microseg/test-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";

    [Theory]
    [InlineData(8192u, null, 2048u)]  // by default the IPv6 map is a quarter of the IPv4 one
    [InlineData(4096u, 6144u, 6144u)] // given, it may be larger than the IPv4 one
    [InlineData(2048u, null, 1024u)]  // never below 1024
    public void AgentHost_SizesEachConntrackMapApart_AndReportsBoth(uint ipv4, uint? ipv6Given, uint ipv6Expected)
    {
        var options = new AgentOptions
        {
            Node = "n1",
            Gateways = ["127.0.0.1:1"],
            BpfObject = RepoLayout.BpfObjectPath,
            PinRoot = _pinRoot,
            ConntrackEntries = ipv4,
            ConntrackEntriesIPv6 = ipv6Given,
            Metrics = null,
            NoTls = true,
            TlsDirectory = null,
        };
        using (var host = AgentHost.Build(options, _ => { }))
        {
            host.Services.GetRequiredService<Datapath>();

            Assert.Equal(ipv4, MaxEntries(Path.Combine(options.PinDirectory, "ms_conntrack4")));
            Assert.Equal(ipv6Expected, MaxEntries(Path.Combine(options.PinDirectory, "ms_conntrack6")));

            var text = new StringBuilder();
            AgentMetricsText.WriteFlows(text, "n1", host.Services.GetRequiredService<AgentFlowMetrics>().Read());
            var lines = text.ToString().Split('\n');
            Assert.Contains($"microseg_agent_conntrack_capacity{{node=\"n1\",family=\"ipv4\"}} {ipv4}", lines);
            Assert.Contains($"microseg_agent_conntrack_capacity{{node=\"n1\",family=\"ipv6\"}} {ipv6Expected}", lines);
        }
    }

    private static uint MaxEntries(string pinnedMap)
    {
        var psi = new ProcessStartInfo("bpftool") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in (string[])["-j", "map", "show", "pinned", pinnedMap])
            psi.ArgumentList.Add(arg);
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEnd();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"bpftool map show pinned {pinnedMap}: {stderr}");
        using var json = JsonDocument.Parse(stdout);
        return json.RootElement.GetProperty("max_entries").GetUInt32();
    }

    public void Dispose()
    {
        if (Directory.Exists(_pinRoot))
            Directory.Delete(_pinRoot, recursive: true);
    }
}
