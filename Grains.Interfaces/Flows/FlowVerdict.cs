using System.Text.Json.Serialization;
using Orleans;

namespace MicroSeg.Grains.Interfaces.Flows;

/// <summary>What the data plane did with a flow.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<FlowVerdict>))]
[GenerateSerializer, Alias("microseg.FlowVerdict")]
public enum FlowVerdict
{
    /// <summary>Let through.</summary>
    [JsonStringEnumMemberName("allow")]
    Allow = 1,

    /// <summary>Dropped.</summary>
    [JsonStringEnumMemberName("deny")]
    Deny = 2,

    /// <summary>Let through because the workload is in monitor mode; protect mode would have dropped it.</summary>
    [JsonStringEnumMemberName("would-deny")]
    WouldDeny = 3,
}

/// <summary>The words the API uses for verdicts and reasons.</summary>
public static class FlowWords
{
    /// <summary>A rule of <c>policy</c> decided.</summary>
    public const string Rule = "rule";

    /// <summary>No rule matched a workload that <c>policy</c> isolates.</summary>
    public const string DefaultDeny = "default-deny";

    /// <summary>No policy selects the workload in that direction: allowed by default.</summary>
    public const string NoPolicy = "no-policy";

    /// <summary>"allow", "deny" or "would-deny".</summary>
    public static string Of(FlowVerdict verdict) => verdict switch
    {
        FlowVerdict.Allow => "allow",
        FlowVerdict.Deny => "deny",
        FlowVerdict.WouldDeny => "would-deny",
        _ => throw new ArgumentOutOfRangeException(nameof(verdict), verdict, null),
    };

    /// <summary>Parses "allow", "deny" or "would-deny".</summary>
    public static bool TryParse(string? text, out FlowVerdict verdict)
    {
        verdict = text switch
        {
            "allow" => FlowVerdict.Allow,
            "deny" => FlowVerdict.Deny,
            "would-deny" => FlowVerdict.WouldDeny,
            _ => 0,
        };
        return verdict != 0;
    }

    /// <summary>TCP, UDP, ICMP, ICMPv6, SCTP by name; other protocols as their number.</summary>
    public static string ProtocolName(byte protocol) => protocol switch
    {
        6 => "TCP",
        17 => "UDP",
        1 => "ICMP",
        58 => "ICMPv6",
        132 => "SCTP",
        _ => protocol.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
