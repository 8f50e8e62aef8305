using MicroSeg.Bpf;
using MicroSeg.Grains.Interfaces.Nodes;
using MicroSeg.NodeAgent.Interfaces;
using Microsoft.Extensions.Logging;

namespace MicroSeg.NodeAgent.Programming;

/// <summary>
/// Brings the data plane to a snapshot: diffs each map against its desired content (adds and changes
/// before deletes, so allowed traffic never sees a gap), purges the flows of addresses taken away from
/// an endpoint, then attaches the programs to endpoint interfaces whose hooks lack them and detaches
/// them from interfaces that are no longer endpoints (<see cref="InterfaceAttachments"/>).
/// </summary>
internal sealed partial class DatapathProgrammer(
    Datapath datapath,
    ConntrackCollector conntrack,
    InterfaceResolver resolver,
    InterfaceAttachments attachments,
    TimeProvider time,
    ILogger<DatapathProgrammer> logger)
{
    /// <summary>How often every map is read back and compared in full, repairing drift.</summary>
    internal static readonly TimeSpan FullReconcilePeriod = TimeSpan.FromSeconds(60);

    // Missing and refused interfaces already logged, so a heartbeat pass does not repeat them.
    private HashSet<string> _reported = new(StringComparer.Ordinal);
    private long _lastRevision = -1;
    private DesiredMaps? _applied;
    private DateTimeOffset _lastFull;

    /// <summary>What a pass wrote, and what the kernel's hooks hold after it.</summary>
    public sealed record Outcome(DesiredMaps Desired, InterfaceAttachments.Result Attachments)
    {
        /// <summary>Interfaces not enforced although they exist: refused by name or configuration, or not confirmed by the kernel.</summary>
        public IReadOnlyList<RefusedInterface> Refused { get; } = [.. Desired.RefusedInterfaces, .. Attachments.Unconfirmed];
    }

    public Outcome Apply(NodeRules rules)
    {
        var links = RouteNetlink.ListLinks();
        var desired = DesiredMaps.From(rules, resolver.Using(links));
        // Normally only the difference from what this agent last wrote goes to the kernel; every
        // FullReconcilePeriod (and after any failure) every map is read back and compared in full.
        var previous = _applied;
        var now = time.GetUtcNow();
        var full = previous is null || now - _lastFull >= FullReconcilePeriod;
        _applied = null;

        // A restarted agent adopts what the previous one left: the interfaces in the pinned endpoints
        // map that are no longer endpoints are detached below, after the maps are written.
        var pinnedEndpoints = full ? datapath.Endpoints.Keys() : null;

        // An endpoint that must be probed further (losing an allow-only flag before it gets deny entries,
        // gaining a ranges flag before it gets range entries, losing an absent key shape before it gets
        // keys of that shape) is updated before any policy entry is
        // written, so the data path never skips an entry that is already in a map. Flags that narrow
        // the probing arrive with the endpoints, after the entries they speak of are gone.
        WidenProbingFirst(desired.Endpoints, full ? null : previous!.Endpoints);
        var narrowed = full
            ? NarrowedSources.Find(desired, datapath.SourceAddresses.Keys(), i => datapath.Endpoints.TryLookup(i, out var e) ? e : null)
            : NarrowedSources.Find(desired, previous!.SourceAddresses.Keys, i => previous.Endpoints.TryGetValue(i, out var e) ? e : null);

        // Identities first, then the rules that name them and the workloads' own addresses, then
        // the endpoints that use them: an endpoint is never live before the entries it depends on.
        var hosts = full ? MapSync.Apply(datapath.IpCacheHosts, desired.IpCacheHosts) : IncrementalSync.Apply(datapath.IpCacheHosts, previous!.IpCacheHosts, desired.IpCacheHosts);
        var blocks = full ? MapSync.Apply(datapath.IpCache, desired.IpCache) : IncrementalSync.Apply(datapath.IpCache, previous!.IpCache, desired.IpCache);
        var ipcache = new MapSyncResult(hosts.Added + blocks.Added, hosts.Changed + blocks.Changed, hosts.Deleted + blocks.Deleted);
        var policy = full ? MapSync.Apply(datapath.Policy, desired.Policy) : IncrementalSync.Apply(datapath.Policy, previous!.Policy, desired.Policy);
        var ranges = full ? MapSync.Apply(datapath.PolicyRanges, desired.PolicyRanges) : IncrementalSync.Apply(datapath.PolicyRanges, previous!.PolicyRanges, desired.PolicyRanges);
        var sources = full ? MapSync.Apply(datapath.SourceAddresses, desired.SourceAddresses) : IncrementalSync.Apply(datapath.SourceAddresses, previous!.SourceAddresses, desired.SourceAddresses);
        var endpoints = full ? MapSync.Apply(datapath.Endpoints, desired.Endpoints) : IncrementalSync.Apply(datapath.Endpoints, previous!.Endpoints, desired.Endpoints);
        if (full)
            _lastFull = now;
        // The data path checks a workload's address once per flow: flows still carrying an address
        // it no longer owns go now (the collector re-checks on its next pass, which this makes due).
        if (narrowed.Count > 0)
            LogPurged(conntrack.PurgeRevokedSources(narrowed), narrowed.Count);

        var attached = attachments.Reconcile(desired, pinnedEndpoints, links);
        datapath.SetPolicyRevision((ulong)rules.Revision);

        // Heartbeats re-apply the same snapshot every few seconds; say something only when it changed anything.
        var changed = !(ipcache.Unchanged && policy.Unchanged && ranges.Unchanged && sources.Unchanged && endpoints.Unchanged);
        if (changed || rules.Revision != _lastRevision)
        {
            LogApplied(rules.Revision, desired.Endpoints.Count, desired.Policy.Count, desired.PolicyRanges.Count, desired.IpCache.Count + desired.IpCacheHosts.Count,
                Diff(ipcache), Diff(policy), Diff(ranges), Diff(sources), Diff(endpoints));
        }
        _lastRevision = rules.Revision;
        var outcome = new Outcome(desired, attached);
        ReportInterfaceProblems(outcome);
        _applied = desired;
        return outcome;
    }

    /// <summary>Logs each missing or refused interface once, when it becomes so (passes repeat every few seconds).</summary>
    private void ReportInterfaceProblems(Outcome outcome)
    {
        var current = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in outcome.Desired.MissingInterfaces)
        {
            if (current.Add(name) && !_reported.Contains(name))
                LogMissingInterface(name);
        }
        foreach (var refused in outcome.Refused)
        {
            if (current.Add($"{refused.Interface}: {refused.Reason}") && !_reported.Contains($"{refused.Interface}: {refused.Reason}"))
                LogRefusedInterface(refused.Interface, refused.Reason);
        }
        _reported = current;
    }

    private static string Diff(MapSyncResult r) => $"+{r.Added}~{r.Changed}-{r.Deleted}";

    /// <param name="desired">The endpoints about to be written.</param>
    /// <param name="written">What this agent last wrote, on incremental passes; null on full passes, which read the map.</param>
    private void WidenProbingFirst(Dictionary<uint, EndpointValue> desired, Dictionary<uint, EndpointValue>? written)
    {
        const EndpointFlags allowOnly = EndpointFlags.IngressAllowOnly | EndpointFlags.EgressAllowOnly;
        const EndpointFlags ranges = EndpointFlags.IngressRanges | EndpointFlags.EgressRanges;
        foreach (var (ifindex, wanted) in desired)
        {
            var known = written is null ? datapath.Endpoints.TryLookup(ifindex, out var current) : written.TryGetValue(ifindex, out current);
            if (!known)
                continue; // a new endpoint is written after every entry it depends on
            var widened = current with
            {
                Flags = (current.Flags & (wanted.Flags | ~allowOnly)) | (wanted.Flags & ranges),
                // A key shape about to get entries is probed before they are written.
                AbsentIngress = current.AbsentIngress & wanted.AbsentIngress,
                AbsentEgress = current.AbsentEgress & wanted.AbsentEgress,
            };
            if (widened.Flags != current.Flags || widened.AbsentIngress != current.AbsentIngress || widened.AbsentEgress != current.AbsentEgress)
                datapath.Endpoints.Update(ifindex, widened);
        }
    }

    [LoggerMessage(EventId = 3101, Level = LogLevel.Information, Message = "Applied revision {Revision}: {Endpoints} endpoints, {Policy} policy entries, {Ranges} port-range blocks, {IpCache} ipcache entries (changes: ipcache {IpDiff}, policy {PolicyDiff}, ranges {RangeDiff}, source addresses {SourceDiff}, endpoints {EndpointDiff})")]
    private partial void LogApplied(long revision, int endpoints, int policy, int ranges, int ipCache, string ipDiff, string policyDiff, string rangeDiff, string sourceDiff, string endpointDiff);

    [LoggerMessage(EventId = 3106, Level = LogLevel.Information, Message = "Dropped {Flows} conntrack entries of {Endpoints} endpoints whose source addresses were taken away")]
    private partial void LogPurged(int flows, int endpoints);

    [LoggerMessage(EventId = 3104, Level = LogLevel.Warning, Message = "Interface {Interface} does not exist on this node yet; its workload is not enforced until it appears")]
    private partial void LogMissingInterface(string @interface);

    [LoggerMessage(EventId = 3105, Level = LogLevel.Warning, Message = "Refused interface {Interface}; its workload is not enforced until this is fixed: {Reason}")]
    private partial void LogRefusedInterface(string @interface, string reason);
}
