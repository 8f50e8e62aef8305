using MicroSeg.NodeAgent.Hosting;
using MicroSeg.Testing;

namespace MicroSeg.NodeAgent.Tests.Hosting;

/// <summary>
/// The conntrack sizes microseg-agent reads from its command line: --conntrack-entries sizes the IPv4 map,
/// --conntrack-entries-ipv6 the IPv6 map (by default a quarter of the IPv4 size, at least 1024), and a size
/// below 1024 is refused with an error naming its option.
/// </summary>
public sealed class AgentCommandConntrackTests
{
    [Fact]
    public void NoSizesGiven_IPv4OneMebiEntries_IPv6AQuarter()
    {
        var options = Read();

        Assert.Equal(1_048_576u, options.ConntrackEntries);
        Assert.Null(options.ConntrackEntriesIPv6);
        Assert.Equal(262_144u, options.ConntrackIPv6Capacity);
    }

    [Theory]
    [InlineData("8192", 2048u)]
    [InlineData("4000000", 1_000_000u)]
    [InlineData("1024", 1024u)] // a quarter would be 256: the IPv6 map never goes below the minimum
    [InlineData("4097", 1024u)]
    public void OnlyIPv4SizeGiven_IPv6FollowsAsAQuarterAtLeast1024(string ipv4, uint expectedIPv6)
    {
        var options = Read("--conntrack-entries", ipv4);

        Assert.Equal(uint.Parse(ipv4), options.ConntrackEntries);
        Assert.Equal(expectedIPv6, options.ConntrackIPv6Capacity);
    }

    [Theory]
    [InlineData("1024")]
    [InlineData("2000000")] // an IPv6-heavy node may make its IPv6 table larger than the IPv4 one
    public void IPv6SizeGiven_SizesTheIPv6MapOnly(string ipv6)
    {
        var options = Read("--conntrack-entries", "65536", "--conntrack-entries-ipv6", ipv6);

        Assert.Equal(65_536u, options.ConntrackEntries);
        Assert.Equal(uint.Parse(ipv6), options.ConntrackEntriesIPv6);
        Assert.Equal(uint.Parse(ipv6), options.ConntrackIPv6Capacity);
    }

    [Theory]
    [InlineData("--conntrack-entries-ipv6", "1023")]
    [InlineData("--conntrack-entries-ipv6", "0")]
    [InlineData("--conntrack-entries", "1000")]
    public void SizeBelow1024_RefusedNamingTheOption(string option, string value)
    {
        var error = new StringWriter();

        var options = AgentCommand.Read(Parse(option, value), error);

        Assert.Null(options);
        Assert.Contains($"{option} {value} is too small; use at least 1024.", error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("many")]
    [InlineData("-5")]
    [InlineData("99999999999")]
    public void IPv6SizeNotACount_IsAParseErrorNamingTheOption(string value)
    {
        var parse = AgentCommand.Create().Parse([.. Required, "--conntrack-entries-ipv6", value]);

        Assert.Contains(parse.Errors, e => e.Message.Contains("--conntrack-entries-ipv6", StringComparison.Ordinal));
    }

    private static readonly string[] Required =
        ["--node", "n1", "--gateway", "127.0.0.1:30000", "--no-tls", "--bpf-object", RepoLayout.BpfObjectPath];

    private static System.CommandLine.ParseResult Parse(params string[] args)
    {
        var parse = AgentCommand.Create().Parse([.. Required, .. args]);
        Assert.Empty(parse.Errors);
        return parse;
    }

    private static AgentOptions Read(params string[] args)
    {
        var error = new StringWriter();
        var options = AgentCommand.Read(Parse(args), error);
        Assert.True(options is not null, error.ToString());
        return options;
    }
}
