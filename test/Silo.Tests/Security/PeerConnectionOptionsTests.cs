using MicroSeg.Silo.Security.Connections;

namespace MicroSeg.Silo.Tests.Security;

/// <summary>The connection limits' settings are checked at start and a bad one is named.</summary>
public sealed class PeerConnectionOptionsTests
{
    [Fact]
    public void Defaults_AreValid() =>
        Assert.True(new PeerConnectionOptionsValidator().Validate(null, new PeerConnectionOptions()).Succeeded);

    [Fact]
    public void TooShortIdleTimeout_AndCheckPeriod_AreNamed()
    {
        var result = new PeerConnectionOptionsValidator().Validate(null, new PeerConnectionOptions
        {
            GatewayIdleTimeout = TimeSpan.FromMilliseconds(10),
            CheckPeriod = TimeSpan.Zero,
        });
        Assert.True(result.Failed);
        Assert.Contains("--gateway-idle-timeout", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("CheckPeriod", result.FailureMessage, StringComparison.Ordinal);
    }
}
