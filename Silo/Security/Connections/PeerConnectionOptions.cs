using Microsoft.Extensions.Options;

namespace MicroSeg.Silo.Security.Connections;

/// <summary>Limits on the connections Orleans accepts, enforced by <see cref="PeerConnectionSweeper"/>.</summary>
internal sealed class PeerConnectionOptions
{
    /// <summary>
    /// A gateway (client) connection that sends nothing for this long is closed. Default 5 minutes. Orleans clients
    /// ask their gateway for the cluster manifest every <c>TypeManagementOptions.TypeMapRefreshInterval</c> (1 minute
    /// by default), so a live client is never idle that long; set it above the clients' refresh interval.
    /// </summary>
    public TimeSpan GatewayIdleTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How often the revocation list file is checked for changes and connections for revoked certificates and
    /// idleness. Default 5 seconds.
    /// </summary>
    public TimeSpan CheckPeriod { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>Names the setting that is out of range.</summary>
internal sealed class PeerConnectionOptionsValidator : IValidateOptions<PeerConnectionOptions>
{
    public ValidateOptionsResult Validate(string? name, PeerConnectionOptions options)
    {
        var errors = new List<string>();
        if (options.GatewayIdleTimeout < TimeSpan.FromSeconds(1))
            errors.Add($"GatewayIdleTimeout (--gateway-idle-timeout) is {options.GatewayIdleTimeout}; it must be at least 1 second.");
        if (options.CheckPeriod < TimeSpan.FromMilliseconds(100) || options.CheckPeriod > TimeSpan.FromMinutes(1))
            errors.Add($"CheckPeriod is {options.CheckPeriod}; it must be between 100 ms and 1 minute.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
