using System.Net;
using Microsoft.Extensions.Options;

namespace MicroSeg.Runtime.Hosting;

/// <summary>Where the silo listens (Orleans <c>EndpointOptions</c>). Section "MicroSeg:Endpoints".</summary>
public sealed class EndpointOptions
{
    /// <summary>Silo-to-silo port, listened on in cluster mode (UsePostgresClustering); 0 picks a free port. Default 11111.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>Port clients connect to; 0 picks a free port (see <see cref="ILocalSiloDetails.GatewayEndpoint"/>). Default 30000.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>Address the gateway (and, in cluster mode, the silo port) listens on. Default 127.0.0.1; "0.0.0.0" for every interface.</summary>
    public string GatewayListenAddress { get; set; } = "127.0.0.1";

    /// <summary>
    /// Address other silos and clients use to reach this silo, written to the membership table. Default: the
    /// listen address, or the first non-loopback IPv4 address when listening on 0.0.0.0.
    /// </summary>
    public string? AdvertisedAddress { get; set; }
}

/// <summary>When idle activations are collected (Orleans <c>GrainCollectionOptions</c>). Section "MicroSeg:GrainCollection".</summary>
public sealed class GrainCollectionOptions
{
    /// <summary>An activation idle this long is deactivated. Default 15 minutes.</summary>
    public TimeSpan CollectionAge { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How often idle activations are looked for. Default 1 minute.</summary>
    public TimeSpan CollectionQuantum { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Cancellation deadline given to OnActivateAsync. Default 30 s.</summary>
    public TimeSpan ActivationTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Cancellation deadline given to OnDeactivateAsync, and the wait for all deactivations at shutdown. Default 30 s.</summary>
    public TimeSpan DeactivationTimeout { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>Calls in and out of the silo (Orleans <c>SiloMessagingOptions</c>). Section "MicroSeg:Messaging".</summary>
public sealed class SiloMessagingOptions
{
    /// <summary>How long a call waits for its response before failing with <see cref="TimeoutException"/>. Default 30 s.</summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Frames queued per client connection before senders wait. Default 10000.</summary>
    public int OutgoingQueueCapacity { get; set; } = 10_000;

    /// <summary>Largest frame accepted; larger ones close the connection. Default 64 MiB.</summary>
    public int MaxFrameBytes { get; set; } = 64 * 1024 * 1024;
}

internal sealed class SiloOptionsValidator : IValidateOptions<EndpointOptions>, IValidateOptions<GrainCollectionOptions>, IValidateOptions<SiloMessagingOptions>
{
    public ValidateOptionsResult Validate(string? name, EndpointOptions options) => OptionErrors.Result(
        options.GatewayPort is < 0 or > 65535 ? "EndpointOptions.GatewayPort must be 0..65535 (0 picks a free port)." : null,
        options.SiloPort is < 0 or > 65535 ? "EndpointOptions.SiloPort must be 0..65535." : null,
        IPAddress.TryParse(options.GatewayListenAddress, out _) ? null : $"EndpointOptions.GatewayListenAddress '{options.GatewayListenAddress}' is not an IP address; use e.g. 127.0.0.1 or 0.0.0.0.");

    public ValidateOptionsResult Validate(string? name, GrainCollectionOptions options) => OptionErrors.Result(
        OptionErrors.Positive(options.CollectionAge, "GrainCollectionOptions.CollectionAge"),
        OptionErrors.Positive(options.CollectionQuantum, "GrainCollectionOptions.CollectionQuantum"),
        OptionErrors.Positive(options.ActivationTimeout, "GrainCollectionOptions.ActivationTimeout"),
        OptionErrors.Positive(options.DeactivationTimeout, "GrainCollectionOptions.DeactivationTimeout"));

    public ValidateOptionsResult Validate(string? name, SiloMessagingOptions options) => OptionErrors.Result(
        OptionErrors.Positive(options.ResponseTimeout, "SiloMessagingOptions.ResponseTimeout"),
        options.OutgoingQueueCapacity < 1 ? "SiloMessagingOptions.OutgoingQueueCapacity must be at least 1." : null,
        options.MaxFrameBytes < 1024 ? "SiloMessagingOptions.MaxFrameBytes must be at least 1024." : null);
}

internal static class OptionErrors
{
    public static string? Positive(TimeSpan value, string setting) =>
        value <= TimeSpan.Zero ? $"{setting} must be positive (was {value})." : null;

    public static ValidateOptionsResult Result(params string?[] errors)
    {
        var failures = errors.Where(e => e is not null).Select(e => e!).ToList();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
