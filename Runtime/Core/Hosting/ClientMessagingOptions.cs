using Microsoft.Extensions.Options;

namespace MicroSeg.Runtime.Hosting;

/// <summary>The cluster client's gateways and calls (Orleans <c>ClientMessagingOptions</c> + static gateway list). Section "MicroSeg:Client".</summary>
public sealed class ClientMessagingOptions
{
    /// <summary>Gateways as "host:port", tried in turn. Required unless the client uses PostgreSQL clustering (gateways from the membership table).</summary>
    public List<string> Gateways { get; set; } = [];

    /// <summary>How long a call waits for its response before failing with <see cref="TimeoutException"/>. Default 30 s.</summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long one connection attempt (TCP connect and handshake) may take. Default 5 s.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Longest wait between reconnection attempts (the wait doubles from 100 ms up to this). Default 2 s.</summary>
    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Frames queued before senders wait. Default 10000.</summary>
    public int OutgoingQueueCapacity { get; set; } = 10_000;

    /// <summary>Largest frame accepted. Default 64 MiB.</summary>
    public int MaxFrameBytes { get; set; } = 64 * 1024 * 1024;
}

/// <summary>Registered when the client finds gateways elsewhere than in <see cref="ClientMessagingOptions.Gateways"/>.</summary>
internal sealed class DynamicGatewayList;

internal sealed class ClientOptionsValidator(IEnumerable<DynamicGatewayList> dynamicGateways) : IValidateOptions<ClientMessagingOptions>
{
    public ValidateOptionsResult Validate(string? name, ClientMessagingOptions options)
    {
        var errors = new List<string?>
        {
            options.Gateways.Count == 0 && !dynamicGateways.Any()
                ? "ClientMessagingOptions.Gateways is empty; call UseStaticGateways(\"host:port\") or UsePostgresClustering(...)." : null,
            OptionErrors.Positive(options.ResponseTimeout, "ClientMessagingOptions.ResponseTimeout"),
            OptionErrors.Positive(options.ConnectTimeout, "ClientMessagingOptions.ConnectTimeout"),
            OptionErrors.Positive(options.MaxReconnectDelay, "ClientMessagingOptions.MaxReconnectDelay"),
            options.OutgoingQueueCapacity < 1 ? "ClientMessagingOptions.OutgoingQueueCapacity must be at least 1." : null,
            options.MaxFrameBytes < 1024 ? "ClientMessagingOptions.MaxFrameBytes must be at least 1024." : null,
        };
        errors.AddRange(options.Gateways.Where(g => !GatewayAddress.TryParse(g, out _, out _))
            .Select(g => $"ClientMessagingOptions.Gateways: '{g}' is not \"host:port\"."));
        return OptionErrors.Result([.. errors]);
    }
}

internal static class GatewayAddress
{
    public static bool TryParse(string value, out string host, out int port)
    {
        host = "";
        port = 0;
        var colon = value.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(value.AsSpan(colon + 1), out port) || port is < 1 or > 65535)
            return false;
        host = value[..colon].Trim('[', ']');
        return true;
    }
}
