using MicroSeg.NodeAgent.Hosting;
using MicroSeg.Testing;

namespace MicroSeg.NodeAgent.Tests.Hosting;

/// <summary>AgentCommand.Read turns a parse of microseg-agent's command line into its settings, or names the bad option.</summary>
public sealed class AgentCommandReadTests
{
    private static readonly string[] Required =
        ["--node", "n1", "--gateway", "127.0.0.1:30000, [fd00:198:18::1]:30000", "--bpf-object", RepoLayout.BpfObjectPath];

    [Fact]
    public void GivenOptions_LandInTheSettings()
    {
        var error = new StringWriter();

        var options = AgentCommand.Read(AgentCommand.Create().Parse(
            [.. Required, "--no-tls", "--metrics-listen", "off", "--flow-interval", "1s", "--gateway-refresh", "30s", "--flow-event-limit", "0",
             "--interfaces", "eth1, bond*", "--pin-root", "/sys/fs/bpf/elsewhere", "--log-format", "json"]), error);

        Assert.True(options is not null, error.ToString());
        Assert.Equal("n1", options.Node);
        Assert.Equal(["127.0.0.1:30000", "[fd00:198:18::1]:30000"], options.Gateways);
        Assert.True(options.NoTls);
        Assert.Null(options.TlsDirectory);
        Assert.Null(options.Metrics);
        Assert.Equal(TimeSpan.FromSeconds(1), options.FlowInterval);
        Assert.Equal(TimeSpan.FromSeconds(30), options.GatewayRefresh);
        Assert.Equal(0u, options.FlowEventsPerSecond);
        Assert.Equal(["eth1", "bond*"], options.Interfaces);
        Assert.Equal("/sys/fs/bpf/elsewhere/n1", options.PinDirectory);
        Assert.Equal("json", options.LogFormat);
    }

    [Fact]
    public void NothingOptionalGiven_TheDefaults()
    {
        var error = new StringWriter();

        var options = AgentCommand.Read(AgentCommand.Create().Parse(Required), error);

        Assert.True(options is not null, error.ToString());
        var defaults = new AgentOptions();
        Assert.Equal(defaults.Metrics, options.Metrics);
        Assert.Equal(Path.GetFullPath(defaults.TlsDirectory!), options.TlsDirectory);
        Assert.False(options.NoTls);
        Assert.Equal(defaults.FlowInterval, options.FlowInterval);
        Assert.Equal(defaults.FlowEventsPerSecond, options.FlowEventsPerSecond);
        Assert.Empty(options.Interfaces);
    }

    [Theory]
    [InlineData("--flow-interval", "50ms")]
    [InlineData("--gateway-refresh", "soon")]
    [InlineData("--metrics-listen", "127.0.0.1:0")]
    public void BadValue_NoSettings_ErrorNamesTheOption(string option, string value)
    {
        var error = new StringWriter();

        var options = AgentCommand.Read(AgentCommand.Create().Parse([.. Required, option, value]), error);

        Assert.Null(options);
        Assert.Contains(option, error.ToString(), StringComparison.Ordinal);
    }
}
