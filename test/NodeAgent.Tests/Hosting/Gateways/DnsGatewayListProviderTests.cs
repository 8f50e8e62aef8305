using MicroSeg.NodeAgent.Hosting.Gateways;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Orleans.Configuration;

namespace MicroSeg.NodeAgent.Tests.Hosting.Gateways;

public sealed class DnsGatewayListProviderTests
{
    private static readonly TimeSpan s_refresh = TimeSpan.FromSeconds(10);
    private readonly FakeGatewayNameResolver _resolver = new();
    private readonly FakeTimeProvider _time = new();
    private readonly FakeLogger<DnsGatewayListProvider> _logger = new();

    private DnsGatewayListProvider Provider(params string[] gateways) => new(
        Options.Create(new GatewayDnsOptions { Gateways = [.. gateways], RefreshPeriod = s_refresh, ResolveTimeout = TimeSpan.FromSeconds(5) }),
        Options.Create(new GatewayOptions { GatewayListRefreshPeriod = TimeSpan.FromSeconds(5) }),
        _resolver, _time, _logger);

    private static async Task<string[]> ListAsync(DnsGatewayListProvider provider) =>
        [.. (await provider.GetGateways()).Select(u => u.ToString())];

    [Fact]
    public async Task GetGateways_NameWithIpv4AndIpv6Addresses_ListsEveryAddressOnTheEntrysPort()
    {
        _resolver.Set("microseg-gateway.microseg.svc.cluster.local", "10.1.0.7", "fd00:198:18::7", "10.1.0.5");
        var provider = Provider("microseg-gateway.microseg.svc.cluster.local:30000");

        Assert.Equal(["gwy.tcp://10.1.0.5:30000/0", "gwy.tcp://10.1.0.7:30000/0", "gwy.tcp://[fd00:198:18::7]:30000/0"], await ListAsync(provider));
    }

    [Fact]
    public async Task GetGateways_LiteralAddresses_NeverAskTheResolver()
    {
        var provider = Provider("198.18.0.1:30000", "[fd00:198:18::1]:30001");

        Assert.Equal(["gwy.tcp://198.18.0.1:30000/0", "gwy.tcp://[fd00:198:18::1]:30001/0"], await ListAsync(provider));
        _time.Advance(s_refresh * 3);
        Assert.Equal(2, (await provider.GetGateways()).Count);
        Assert.Equal(0, _resolver.Calls);
    }

    [Fact]
    public async Task GetGateways_NameMovesToOtherAddresses_ListFollowsOnceTheRefreshPeriodPassed()
    {
        _resolver.Set("silos.example", "198.18.0.1");
        var provider = Provider("silos.example:30000", "198.18.0.9:30000");
        Assert.Equal(["gwy.tcp://198.18.0.1:30000/0", "gwy.tcp://198.18.0.9:30000/0"], await ListAsync(provider));

        _resolver.Set("silos.example", "198.18.0.2", "198.18.0.3");
        _time.Advance(s_refresh - TimeSpan.FromSeconds(1));
        Assert.Equal(["gwy.tcp://198.18.0.1:30000/0", "gwy.tcp://198.18.0.9:30000/0"], await ListAsync(provider));
        Assert.Equal(1, _resolver.Calls);

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(["gwy.tcp://198.18.0.2:30000/0", "gwy.tcp://198.18.0.3:30000/0", "gwy.tcp://198.18.0.9:30000/0"], await ListAsync(provider));
        Assert.Equal(2, _resolver.Calls);
    }

    [Fact]
    public async Task GetGateways_RoundRobinDnsRotatesItsAnswer_ListKeepsOneOrder()
    {
        var provider = Provider("rr.example:30000");
        _resolver.Set("rr.example", "198.18.0.3", "198.18.0.1", "198.18.0.2");
        var first = await ListAsync(provider);
        _resolver.Set("rr.example", "198.18.0.1", "198.18.0.2", "198.18.0.3");
        _time.Advance(s_refresh);
        Assert.Equal(first, await ListAsync(provider));
        Assert.Equal(["gwy.tcp://198.18.0.1:30000/0", "gwy.tcp://198.18.0.2:30000/0", "gwy.tcp://198.18.0.3:30000/0"], first);
        // An unchanged answer is not logged again.
        Assert.Single(_logger.Collector.GetSnapshot(), r => r.Id.Id == 3004);
    }

    [Fact]
    public async Task GetGateways_NameStopsResolving_KeepsItsLastGoodAddressesAndLogsAWarning()
    {
        _resolver.Set("silos.example", "198.18.0.1", "198.18.0.2");
        var provider = Provider("silos.example:30000");
        var good = await ListAsync(provider);

        _resolver.Fail("silos.example");
        _time.Advance(s_refresh);
        Assert.Equal(good, await ListAsync(provider));
        var warning = Assert.Single(_logger.Collector.GetSnapshot(), r => r.Level == LogLevel.Warning);
        Assert.Equal(3005, warning.Id.Id);
        Assert.Contains("silos.example:30000", warning.Message);
        Assert.Contains("198.18.0.1, 198.18.0.2", warning.Message);
        Assert.Equal("silos.example:30000", warning.GetStructuredStateValue("Gateway"));

        // Resolving to no address at all is a failure too, not an empty list.
        _resolver.Set("silos.example");
        _time.Advance(s_refresh);
        Assert.Equal(good, await ListAsync(provider));
    }

    [Fact]
    public async Task GetGateways_ResolverNeverAnswers_TimesOutAndKeepsTheLastGoodAddresses()
    {
        _resolver.Set("silos.example", "198.18.0.1");
        var provider = Provider("silos.example:30000");
        var good = await ListAsync(provider);

        _resolver.Hang("silos.example");
        _time.Advance(s_refresh);
        var pending = provider.GetGateways();
        Assert.False(pending.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(good, (await pending.WaitAsync(TimeSpan.FromSeconds(30))).Select(u => u.ToString()));
        Assert.Contains(_logger.Collector.GetSnapshot(), r => r.Id.Id == 3005 && r.Message.Contains("no answer within 5 s"));
    }

    [Fact]
    public async Task GetGateways_NameNotResolvableYet_EmptyUntilItResolvesWithoutWaitingForTheRefreshPeriod()
    {
        var provider = Provider("silos.example:30000");
        Assert.Empty(await provider.GetGateways());

        // The client keeps asking while it has no gateway; the next request resolves again at once.
        _resolver.Set("silos.example", "198.18.0.4");
        Assert.Equal(["gwy.tcp://198.18.0.4:30000/0"], await ListAsync(provider));
    }

    [Fact]
    public async Task GetGateways_ConcurrentRequestsWhenDue_ResolveOnce()
    {
        _resolver.Set("silos.example", "198.18.0.1");
        var provider = Provider("silos.example:30000");
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => provider.GetGateways()));
        Assert.Equal(1, _resolver.Calls);
    }
}
