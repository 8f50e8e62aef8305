using Microsoft.Extensions.Options;

namespace MicroSeg.NodeAgent.Hosting.Gateways;

/// <summary>Checks the gateway entries and periods at start; each failure names the setting.</summary>
internal sealed class GatewayDnsOptionsValidator : IValidateOptions<GatewayDnsOptions>
{
    public ValidateOptionsResult Validate(string? name, GatewayDnsOptions options)
    {
        var errors = new List<string>();
        if (options.Gateways.Count == 0)
            errors.Add("--gateway needs at least one HOST:PORT.");
        foreach (var gateway in options.Gateways)
        {
            if (GatewayEntry.TryParse(gateway, out var error) is null)
                errors.Add(error!);
        }
        if (options.RefreshPeriod <= TimeSpan.Zero)
            errors.Add($"--gateway-refresh {options.RefreshPeriod} must be positive.");
        if (options.ResolveTimeout <= TimeSpan.Zero)
            errors.Add($"GatewayDnsOptions.ResolveTimeout {options.ResolveTimeout} must be positive.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
