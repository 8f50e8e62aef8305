using MicroSeg.NodeAgent.Hosting.Gateways;

namespace MicroSeg.NodeAgent.Tests.Hosting.Gateways;

public sealed class GatewayDnsOptionsValidatorTests
{
    [Theory]
    [InlineData("silos.example:30000")]
    [InlineData("10.0.0.11:30000")]
    [InlineData("[fd00:198:18::1]:30000")]
    [InlineData("localhost:1")]
    public void Validate_GoodEntry_Succeeds(string gateway) =>
        Assert.True(new GatewayDnsOptionsValidator().Validate(null, new GatewayDnsOptions { Gateways = [gateway] }).Succeeded);

    [Theory]
    [InlineData("silos.example", "not HOST:PORT")]
    [InlineData("silos.example:0", "not HOST:PORT")]
    [InlineData("silos.example:65536", "not HOST:PORT")]
    [InlineData("fd00::1:30000", "in brackets")]
    [InlineData("bad_name!:30000", "neither an IP address")]
    public void Validate_BadEntry_NamesTheEntry(string gateway, string why)
    {
        var result = new GatewayDnsOptionsValidator().Validate(null, new GatewayDnsOptions { Gateways = ["silos.example:30000", gateway] });
        var failure = Assert.Single(result.Failures!);
        Assert.Contains($"--gateway '{gateway}'", failure);
        Assert.Contains(why, failure);
    }

    [Fact]
    public void Validate_NoEntryAndNoRefreshPeriod_ReportsBoth()
    {
        var result = new GatewayDnsOptionsValidator().Validate(null, new GatewayDnsOptions { RefreshPeriod = TimeSpan.Zero });
        Assert.Equal(2, result.Failures!.Count());
    }
}
