using System.Security.Cryptography;
using System.Text;
using MicroSeg.Bpf;
using MicroSeg.Grains.Interfaces.Nodes;
using Microsoft.Extensions.Logging;

namespace MicroSeg.NodeAgent.Programming;

/// <summary>
/// Stands in front of programming: a control plane that lost its store comes back healthy and empty, and
/// applying what it offers would strip every rule from the node. The guard compares each offered state with
/// the record of what was last applied, pinned with the maps (ms_control_plane, so it survives agent
/// restarts), and holds when
/// <list type="bullet">
/// <item>the offer comes from another cluster identity than the applied state, or</item>
/// <item>the offer is a new lineage of the node (another epoch: the node grain lost its state) and would remove
/// more than half of the applied entries (endpoints plus policy entries; all of them included).</item>
/// </list>
/// Within one epoch the node grain's history is continuous, so ordinary deletions (an operator removing the
/// last policy) apply as usual. A hold ends when the offer carries the operator's acceptance of exactly this
/// condition (<see cref="NodeRules.AcceptedHold"/>), or when the record is forgotten locally
/// (<c>microseg-agent accept-control-plane</c>), or when the offer no longer meets the conditions.
/// </summary>
internal sealed partial class ControlPlaneGuard(Datapath datapath, TimeProvider time, ILogger<ControlPlaneGuard> logger)
{
    private volatile ControlPlaneHold? _current;

    /// <summary>The condition the agent holds for now, or null.</summary>
    public ControlPlaneHold? Current => _current;

    /// <summary>Null when <paramref name="offered"/> may be applied; else the hold to report.</summary>
    public ControlPlaneHold? Check(NodeRules offered)
    {
        datapath.ControlPlane.TryLookup(0, out var applied);
        var hold = Evaluate(applied, offered);
        if (hold is not null && offered.AcceptedHold == hold.Id)
        {
            LogAccepted(hold.Id, hold.Reason);
            hold = null;
        }
        var previous = _current;
        if (hold is not null && previous?.Id == hold.Id)
            hold = previous; // same condition: keep its start time, log it once
        else if (hold is not null)
            LogHolding(hold.Reason, hold.AppliedClusterIdentity, hold.AppliedEntries, hold.AppliedRevision, hold.OfferedClusterIdentity, hold.OfferedEntries, offered.Revision, offered.Node);
        _current = hold;
        return hold;
    }

    /// <summary>Records <paramref name="rules"/> as the applied state, after it was programmed.</summary>
    public void Applied(NodeRules rules)
    {
        datapath.ControlPlane.TryLookup(0, out var record);
        // A control plane that names no identity (an older silo) leaves the remembered one in place.
        if (Identity(rules.ClusterIdentity) is var cluster && cluster != Guid.Empty)
            record.Cluster = cluster;
        record.Epoch = EpochKey(rules.Epoch);
        record.Revision = (ulong)rules.Revision;
        record.Entries = (ulong)Entries(rules);
        datapath.ControlPlane.Update(0, record);
    }

    private ControlPlaneHold? Evaluate(ControlPlaneRecord applied, NodeRules offered)
    {
        if (applied.IsEmpty)
            return null; // a fresh node, or the operator said to take whatever comes
        var offeredCluster = Identity(offered.ClusterIdentity);
        var offeredEntries = Entries(offered);
        string? reason = null;
        if (offeredCluster != Guid.Empty && applied.Cluster != Guid.Empty && offeredCluster != applied.Cluster)
            reason = ControlPlaneHold.ClusterIdentityChanged;
        else if (EpochKey(offered.Epoch) != applied.Epoch && applied.Entries > 0 && (ulong)offeredEntries * 2 < applied.Entries)
            reason = ControlPlaneHold.StateShrank;
        if (reason is null)
            return null;
        return new ControlPlaneHold($"{offered.ClusterIdentity}/{offered.Epoch}", reason,
            applied.Cluster == Guid.Empty ? "" : applied.Cluster.ToString("D"), offered.ClusterIdentity,
            (long)applied.Entries, offeredEntries, (long)applied.Revision, time.GetUtcNow());
    }

    private static long Entries(NodeRules rules) => rules.Endpoints.Count + rules.Policy.Count;

    private static Guid Identity(string text) => Guid.TryParse(text, out var guid) ? guid : Guid.Empty;

    /// <summary>Epochs are GUIDs; anything else is reduced to 16 bytes of its hash, which is all the record compares.</summary>
    private static Guid EpochKey(string epoch) =>
        Guid.TryParse(epoch, out var guid) ? guid : new Guid(SHA256.HashData(Encoding.UTF8.GetBytes(epoch)).AsSpan(0, 16));

    [LoggerMessage(EventId = 3701, Level = LogLevel.Warning, Message = "Keeping the last applied state and waiting for an operator ({Reason}): applied cluster identity '{AppliedIdentity}' with {AppliedEntries} entries (revision {AppliedRevision}), offered cluster identity '{OfferedIdentity}' with {OfferedEntries} entries (revision {OfferedRevision}). To apply the offer: POST /api/v1/nodes/{Node}/accept, or microseg-agent accept-control-plane --node {Node}")]
    private partial void LogHolding(string reason, string appliedIdentity, long appliedEntries, long appliedRevision, string offeredIdentity, long offeredEntries, long offeredRevision, string node);

    [LoggerMessage(EventId = 3702, Level = LogLevel.Warning, Message = "An operator accepted the held state {Hold} ({Reason}); applying it")]
    private partial void LogAccepted(string hold, string reason);
}
