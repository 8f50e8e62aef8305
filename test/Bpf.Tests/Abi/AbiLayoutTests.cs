using System.Runtime.InteropServices;
using MicroSeg.Testing;

namespace MicroSeg.Bpf.Tests.Abi;

/// <summary>
/// The C# mirrors must match the compiled object's BTF (Cilium's alignchecker idea): size,
/// every named C member's offset and size, and enum values. C members named pad/reserved
/// are padding and need no C# counterpart; every other member must be mapped here, so a
/// field added on one side only fails the test.
/// </summary>
public sealed class AbiLayoutTests
{
    private static readonly Lazy<BtfDump> Btf = new(() => BtfDump.Load(RepoLayout.BpfObjectPath));

    public static TheoryData<string> StructNames => new(Structs.Keys);

    private static readonly Dictionary<string, (Type Type, Dictionary<string, string> Fields)> Structs = new()
    {
        ["ms_ipcache_key"] = (typeof(IpCacheKey), new() { ["prefixlen"] = "PrefixLength", ["family"] = "Family", ["addr"] = "Address" }),
        ["ms_ipcache_value"] = (typeof(IpCacheValue), new() { ["identity"] = "Identity", ["flags"] = "Flags" }),
        ["ms_endpoint"] = (typeof(EndpointValue), new()
        {
            ["identity"] = "Identity", ["mode"] = "Mode", ["flags"] = "Flags", ["source_flags"] = "SourceFlags",
            ["source4"] = "Source4", ["source6"] = "Source6", ["absent_ingress"] = "AbsentIngress", ["absent_egress"] = "AbsentEgress",
        }),
        ["ms_source_key"] = (typeof(SourceAddressKey), new() { ["ifindex"] = "IfIndex", ["family"] = "Family", ["addr"] = "Address" }),
        ["ms_source_value"] = (typeof(SourceAddressValue), new() { ["flags"] = "Flags" }),
        ["ms_policy_key"] = (typeof(PolicyKey), new()
        {
            ["ifindex"] = "IfIndex", ["remote_identity"] = "RemoteIdentity", ["dport"] = "Port", ["proto"] = "Protocol", ["direction"] = "Direction",
        }),
        ["ms_policy_range_key"] = (typeof(PolicyRangeKey), new()
        {
            ["prefixlen"] = "PrefixLength", ["ifindex"] = "IfIndex", ["remote_identity"] = "RemoteIdentity", ["direction"] = "Direction",
            ["proto"] = "Protocol", ["dport"] = "PortBigEndian",
        }),
        ["ms_policy_value"] = (typeof(PolicyValue), new() { ["rule_id"] = "RuleId", ["action"] = "Action" }),
        ["ms_ct_key"] = (typeof(ConntrackKey), new()
        {
            ["ifindex"] = "IfIndex", ["family"] = "Family", ["proto"] = "Protocol",
            ["lport"] = "LocalPort", ["rport"] = "RemotePort", ["laddr"] = "LocalAddress", ["raddr"] = "RemoteAddress",
        }),
        ["ms_ct4_key"] = (typeof(Conntrack4Key), new()
        {
            ["ifindex"] = "IfIndex", ["proto"] = "Protocol", ["lport"] = "LocalPort", ["rport"] = "RemotePort",
            ["laddr"] = "LocalAddress", ["raddr"] = "RemoteAddress",
        }),
        ["ms_ct_entry"] = (typeof(ConntrackValue), new()
        {
            ["reported_ns"] = "ReportedNs", ["last_seen_ns"] = "LastSeenNs", ["packets_orig"] = "PacketsOriginal", ["bytes_orig"] = "BytesOriginal",
            ["packets_reply"] = "PacketsReply", ["bytes_reply"] = "BytesReply", ["rule_id"] = "RuleId", ["remote_identity"] = "RemoteIdentity", ["flags"] = "Flags", ["state"] = "State",
            ["direction"] = "Direction", ["reported_packets"] = "ReportedPackets", ["reported_bytes"] = "ReportedBytes",
        }),
        ["ms_ct_timeouts"] = (typeof(ConntrackTimeoutsValue), new()
        {
            ["tcp_syn_ns"] = "TcpSynNs", ["tcp_established_ns"] = "TcpEstablishedNs", ["tcp_fin_ns"] = "TcpFinNs", ["tcp_closed_ns"] = "TcpClosedNs",
            ["udp_ns"] = "UdpNs", ["icmp_ns"] = "IcmpNs", ["other_ns"] = "OtherNs",
        }),
        ["ms_event_limit"] = (typeof(EventRateLimitValue), new() { ["events_per_sec"] = "EventsPerSecond", ["burst"] = "Burst", ["wakeup_every"] = "WakeupEvery" }),
        ["ms_flow_event"] = (typeof(FlowEvent), new()
        {
            ["timestamp_ns"] = "TimestampNs", ["policy_revision"] = "PolicyRevision", ["ifindex"] = "IfIndex", ["local_identity"] = "LocalIdentity",
            ["remote_identity"] = "RemoteIdentity", ["rule_id"] = "RuleId", ["sport"] = "SourcePort", ["dport"] = "DestinationPort",
            ["family"] = "Family", ["proto"] = "Protocol", ["direction"] = "Direction", ["verdict"] = "Verdict", ["reason"] = "Reason",
            ["kind"] = "Kind", ["saddr"] = "SourceAddress", ["daddr"] = "DestinationAddress",
        }),
        ["ms_flow_report"] = (typeof(FlowReport), new() { ["flow"] = "Flow", ["packets"] = "Packets", ["bytes"] = "Bytes" }),
        ["ms_config"] = (typeof(ConfigValue), new() { ["policy_revision"] = "PolicyRevision", ["report_interval_ns"] = "ReportIntervalNs" }),
        ["ms_would_deny_key"] = (typeof(WouldDenyKey), new()
        {
            ["ifindex"] = "IfIndex", ["rule_id"] = "RuleId", ["direction"] = "Direction", ["reason"] = "Reason",
        }),
        ["ms_control_plane"] = (typeof(ControlPlaneRecord), new()
        {
            ["cluster"] = "Cluster", ["epoch"] = "Epoch", ["revision"] = "Revision", ["entries"] = "Entries",
        }),
    };

    public static TheoryData<string> EnumNames => new(Enums.Keys);

    // C enum -> (C# enum, C enumerator prefix). Enumerator names map by dropping the prefix
    // and underscores, case-insensitively, with a few explicit aliases.
    private static readonly Dictionary<string, (Type Type, string Prefix)> Enums = new()
    {
        ["ms_family"] = (typeof(IpFamily), "MS_FAMILY_"),
        ["ms_direction"] = (typeof(TrafficDirection), "MS_DIR_"),
        ["ms_action"] = (typeof(PolicyAction), "MS_ACTION_"),
        ["ms_mode"] = (typeof(EndpointMode), "MS_MODE_"),
        ["ms_verdict"] = (typeof(FlowVerdict), "MS_VERDICT_"),
        ["ms_reason"] = (typeof(FlowReason), "MS_REASON_"),
        ["ms_ct_state"] = (typeof(ConntrackState), "MS_CT_STATE_"),
        ["ms_record_kind"] = (typeof(FlowRecordKind), "MS_RECORD_"),
    };

    private static readonly Dictionary<string, string> EnumAliases = new()
    {
        ["MS_REASON_UNSPEC"] = "Unspecified", ["MS_REASON_CT_ESTABLISHED"] = "ConntrackEstablished",
        ["MS_REASON_CT_REPLY"] = "ConntrackReply", ["MS_REASON_ND"] = "NeighborDiscovery",
        ["MS_CT_STATE_SYN_RECV"] = "SynReceived", ["MS_REASON_CT_RELATED"] = "ConntrackRelated",
    };

    [Theory]
    [MemberData(nameof(StructNames))]
    public void CSharpMirror_ComparedWithBtf_HasSameSizeOffsetsAndFieldSizes(string cStruct)
    {
        var (type, fields) = Structs[cStruct];
        var btf = Btf.Value.Named("STRUCT", cStruct);

        Assert.True(btf.Size == Marshal.SizeOf(type), $"{cStruct} is {btf.Size} bytes, {type.Name} is {Marshal.SizeOf(type)}");
        foreach (var member in btf.Members)
        {
            if (member.Name.StartsWith("pad") || member.Name.StartsWith("reserved"))
                continue;
            Assert.True(fields.TryGetValue(member.Name, out var field), $"{cStruct}.{member.Name} has no C# mirror in {type.Name}");
            var offset = (int)Marshal.OffsetOf(type, field);
            Assert.True(member.BitsOffset == offset * 8, $"{cStruct}.{member.Name} at byte {member.BitsOffset / 8}, {type.Name}.{field} at {offset}");
            var size = SizeOf(type.GetField(field, System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance)!.FieldType);
            Assert.True(Btf.Value.SizeOf(member.TypeId) == size, $"{cStruct}.{member.Name} is {Btf.Value.SizeOf(member.TypeId)} bytes, {type.Name}.{field} is {size}");
        }
        Assert.Equal(fields.Keys.Order(), btf.Members.Select(m => m.Name).Where(fields.ContainsKey).Order());
    }

    private static int SizeOf(Type type) => Marshal.SizeOf(type.IsEnum ? Enum.GetUnderlyingType(type) : type);

    [Theory]
    [MemberData(nameof(EnumNames))]
    public void CSharpEnum_ComparedWithBtf_HasSameMembersAndValues(string cEnum)
    {
        var (type, prefix) = Enums[cEnum];
        var btf = Btf.Value.Named("ENUM", cEnum);
        var expected = btf.Enumerators
            .Where(e => !e.Key.EndsWith("_MAX"))
            .Select(e => (Name: EnumAliases.GetValueOrDefault(e.Key) ?? e.Key[prefix.Length..].Replace("_", ""), e.Value))
            .Select(e => $"{e.Name.ToLowerInvariant()}={e.Value}")
            .Order();
        var actual = Enum.GetValues(type).Cast<object>()
            .Select(v => $"{Enum.GetName(type, v)!.ToLowerInvariant()}={Convert.ToInt64(v)}")
            .Order();
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void ReservedIdentity_ComparedWithBtf_HasSameValues()
    {
        var btf = Btf.Value.Named("ENUM", "ms_identity").Enumerators;
        Assert.Equal((long)ReservedIdentity.Any, btf["MS_IDENTITY_ANY"]);
        Assert.Equal((long)ReservedIdentity.Host, btf["MS_IDENTITY_HOST"]);
        Assert.Equal((long)ReservedIdentity.World, btf["MS_IDENTITY_WORLD"]);
    }
}
