using MicroSeg.Grains.Interfaces.Identity;
using MicroSeg.Grains.Interfaces.Nodes;
using MicroSeg.Grains.Interfaces.Policies;
using MicroSeg.Grains.Interfaces.Settings;
using MicroSeg.Grains.Interfaces.Workloads;

namespace MicroSeg.Grains.Rules;

/// <summary>The desired data-plane content of one node, before it is versioned.</summary>
/// <param name="Endpoints">The node's endpoints, ordered by workload id.</param>
/// <param name="IpCacheTable">Address blocks the node's rules can tell apart, ordered by text, with their content hash (shared between nodes that name the same identities).</param>
/// <param name="Policy">Policy entries, ordered by key.</param>
/// <param name="PolicyDigest">A content hash of <paramref name="Policy"/>, built from per-identity parts as they are made.</param>
/// <param name="PolicySlices">Where each endpoint's entries sit in <paramref name="Policy"/>, with their template, in <paramref name="Endpoints"/> order.</param>
/// <param name="EndpointsDigest">A content hash of <paramref name="Endpoints"/>, built from per-workload parts as they are made.</param>
internal sealed record CompiledRules(
    EndpointRule[] Endpoints,
    IpCacheTable IpCacheTable,
    IReadOnlyList<PolicyEntry> Policy,
    ulong PolicyDigest,
    PolicySlices PolicySlices,
    ulong EndpointsDigest)
{
    /// <summary>The ipcache rows, ordered by text.</summary>
    public IReadOnlyList<IpCacheRule> IpCache => IpCacheTable.Rules;

    /// <summary>The model and settings these rules were compiled from: what the next computation compares with.</summary>
    public ClusterRuleModel? Model { get; init; }

    public EnforcementSettings? Settings { get; init; }

    /// <summary>The identities the policy entries name (what the ipcache must resolve), when no address block is named.</summary>
    public HashSet<uint>? NamedIdentities { get; init; }

    /// <summary>The template of each identity's workloads that have no named ports of their own.</summary>
    public IReadOnlyDictionary<uint, EntryTemplate> SharedTemplates { get; init; } = new Dictionary<uint, EntryTemplate>();

    /// <summary>What each endpoint adds to the digests, in <see cref="Endpoints"/> order: what a reusing computation takes by position.</summary>
    public EndpointFacts[] Facts { get; init; } = [];
}

/// <summary>
/// What one endpoint adds to a node's digests, kept beside the endpoints so that a computation reusing them reads an
/// array instead of every endpoint's workload record and rule (cold in the cache at 50,000 workloads).
/// </summary>
/// <param name="Digest">The endpoint's own hash (its spec, identity, mode and isolation), made once when the endpoint is.</param>
/// <param name="SpecDigest">The hash of the workload's spec.</param>
internal readonly record struct EndpointFacts(ulong Digest, ulong SpecDigest)
{
    public static EndpointFacts Of(WorkloadRecord w, EndpointRule endpoint, ulong specDigest) =>
        new(new Fnv64().Add(specDigest).Add(w.Identity).Add((uint)endpoint.Mode)
            .Add((endpoint.IngressIsolated ? 1u : 0u) | (endpoint.EgressIsolated ? 2u : 0u)).Value, specDigest);
}

/// <summary>
/// Turns workloads and label-based policies into one node's endpoint, ipcache and policy entries.
/// Pure: the same inputs and allocations give the same output, so a node can be recomputed at any time.
/// </summary>
internal static class NodeRuleCompiler
{
    /// <summary>A rule without ports admits every port and protocol.</summary>
    private static readonly PolicyPort?[] AnyPort = [null];

    public static CompiledRules Compile(
        string node, IReadOnlyList<WorkloadRecord> workloads, IReadOnlyList<PolicySpec> policies, NodeIdAllocations ids,
        NamespaceLabels? namespaces = null, EnforcementSettings? settings = null) =>
        Compile(node, new ClusterRuleModel(workloads, policies, namespaces ?? NamespaceLabels.Empty), ids, settings);

    /// <summary>One node's rules from the shared model.</summary>
    /// <param name="node">The node.</param>
    /// <param name="model">The cluster snapshot's shared model.</param>
    /// <param name="ids">The node's stable rule and block numbers.</param>
    /// <param name="settings">Enforcement settings (default: the cluster defaults).</param>
    /// <param name="previous">
    /// This node's last result: when the model says its endpoints' rules still hold (<see cref="ClusterRuleModel.KeepsEndpointRulesOf"/>),
    /// only the ipcache is read anew. A change elsewhere in the cluster (a peer's relabel or address) then costs the
    /// node its ipcache, not a pass over every endpoint.
    /// </param>
    public static CompiledRules Compile(string node, ClusterRuleModel model, NodeIdAllocations ids, EnforcementSettings? settings = null, CompiledRules? previous = null)
    {
        settings ??= new EnforcementSettings();
        if (previous is { NamedIdentities: { } stillNamed } && Equals(previous.Settings, settings) && model.KeepsEndpointRulesOf(previous.Model, node))
        {
            var table = model.IpCacheNaming(stillNamed);
            return previous with { IpCacheTable = table, Model = model };
        }
        var scope = model.Scope;
        var usedRules = new HashSet<string>();
        var usedCidrs = new HashSet<string>();
        // Read by index below and in EndpointReuse: one array, not a chunk search per read.
        var local = model.LocalTo(node).ForIndexing();
        // Some of the node's own workloads changed, but no template can have: reuse what the previous computation made
        // for every workload whose record is the same, and compute only the others (EndpointReuse).
        var reuse = EndpointReuse.From(previous, model, node, local, settings);

        // Address blocks named by policies that apply here get node-local identities, and so do workload
        // addresses inside them where one identity's addresses lie in different blocks (NodeAddressBlocks).
        List<CidrBlock> BlocksOf(IReadOnlyList<WorkloadRecord> workloads)
        {
            // Most clusters name no address block: then no set is made for the node's workloads.
            HashSet<CidrBlock>? named = null;
            foreach (var w in workloads)
            {
                foreach (var block in model.BlocksNamedFor(w))
                    (named ??= []).Add(block);
            }
            return named is null ? [] : named.OrderBy(b => b.ToString(), StringComparer.Ordinal).ToList();
        }
        var blocks = BlocksOf(reuse?.Changed ?? local);
        if (reuse is not null && blocks.Count > 0)
        {
            // A changed workload brings address blocks the previous computation did not have: compute everything.
            reuse = null;
            blocks = BlocksOf(local);
        }
        // A full computation still keeps the endpoint rule (and its digest facts) of every workload whose record and
        // rule are the same as last time, so that the node's delta recognises them by reference.
        var same = reuse is null ? EndpointReuse.SameRecords(previous, node, local) : null;
        var addressBlocks = new NodeAddressBlocks(blocks, model, key => ids.CidrIdentity(key, usedCidrs));
        // Every peer workload with the identity this node resolves it to: what an any-peer egress named port reads.
        IReadOnlyList<Remote>? everyone = null;

        // Workloads of one identity are selected by the same policies and, without named ports of their
        // own, get the same entries: build those once per identity and stamp them per endpoint.
        var shared = reuse is null ? new Dictionary<uint, EntryTemplate>() : new Dictionary<uint, EntryTemplate>(previous!.SharedTemplates);
        // Positional results: a reused endpoint is copied out of the previous computation's arrays by index.
        var endpoints = new EndpointRule[local.Count];
        var facts = new EndpointFacts[local.Count];
        var workloadIds = new string[local.Count];
        var templates = new EntryTemplate[local.Count];
        var isolation = new Dictionary<uint, (bool Ingress, bool Egress)>();
        for (var at = 0; at < local.Count; at++)
        {
            if (reuse?.PreviousIndex(at) is >= 0 and var was)
            {
                // The same records under the same templates: the same endpoints and entries as last time, copied as a
                // run. Storing them one by one type-checks every reference against its object, cold in the cache at
                // 50,000 workloads.
                var run = 1;
                while (at + run < local.Count && reuse.PreviousIndex(at + run) == was + run)
                    run++;
                Array.Copy(previous!.Endpoints, was, endpoints, at, run);
                Array.Copy(previous.Facts, was, facts, at, run);
                previous.PolicySlices.CopyTo(was, workloadIds, templates, at, run);
                at += run - 1;
                continue;
            }
            var w = local[at];
            var applying = model.Selecting(w);
            if (!isolation.TryGetValue(w.Identity, out var isolated))
            {
                isolation[w.Identity] = isolated = (
                    applying.Any(p => p.Action == PolicyAction.Allow && p.Ingress is not null),
                    applying.Any(p => p.Action == PolicyAction.Allow && p.Egress is not null));
            }
            EntryTemplate template;
            if (w.Spec.Ports.Count > 0)
                template = Template(w, applying);
            else if (!shared.TryGetValue(w.Identity, out template!))
                shared[w.Identity] = template = Template(w, applying);
            var mode = EffectiveMode(w, settings);
            if (same?[at] is >= 0 and var kept && previous!.Endpoints[kept] is var made
                && made.Mode == mode && made.IngressIsolated == isolated.Ingress && made.EgressIsolated == isolated.Egress)
                (endpoints[at], facts[at]) = (made, previous.Facts[kept]);
            else
            {
                var endpoint = new EndpointRule(w.Spec.Id, w.Spec.Interface!, w.Identity, mode, isolated.Ingress, isolated.Egress, w.Spec.Addresses);
                (endpoints[at], facts[at]) = (endpoint, EndpointFacts.Of(w, endpoint, SpecFacts.Of(w.Spec).Digest));
            }
            (workloadIds[at], templates[at]) = (w.Spec.Id, template);
        }

        var seen = new HashSet<EntryTemplate>(ReferenceEqualityComparer.Instance);
        var named = new HashSet<uint>();
        var digest = new Fnv64();
        var endpointsDigest = new Fnv64();
        for (var at = 0; at < local.Count; at++)
        {
            var template = templates[at];
            // A word per part, not FNV's byte per part: this loop visits every endpoint of the node on each compile.
            endpointsDigest.Mix(facts[at].Digest);
            if (seen.Add(template))
                named.UnionWith(template.Remotes);
            digest.Mix(facts[at].SpecDigest).Mix(template.Digest);
        }

        IReadOnlyList<Remote> Everyone() => everyone ??= addressBlocks.WithSplits(scope.Groups);

        EntryTemplate Template(WorkloadRecord w, IReadOnlyList<PolicySpec> applying)
        {
            // Without address blocks on this node and named ports of the workload's own, the entries depend on the snapshot and
            // the identity only: every node shares one shape and adds its rule numbers.
            var shape = blocks.Count == 0 && w.Spec.Ports.Count == 0
                ? model.ShapeOf(w.Identity, () => Shape(w, applying))
                : Shape(w, applying);
            var ruleIds = new uint[shape.Sources.Count];
            for (var i = 0; i < ruleIds.Length; i++)
                ruleIds[i] = ids.RuleId(shape.Sources[i], usedRules);
            return new EntryTemplate(shape, ruleIds);
        }

        TemplateShape Shape(WorkloadRecord w, IReadOnlyList<PolicySpec> applying)
        {
            var set = new PolicyEntrySet();
            var sources = new List<string>();
            foreach (var policy in applying)
            {
                AddRules(set, sources, w, policy, TrafficDirection.Ingress, policy.Ingress);
                AddRules(set, sources, w, policy, TrafficDirection.Egress, policy.Egress);
            }
            return TemplateShape.Of(set.Ordered(), sources);
        }

        void AddRules(PolicyEntrySet set, List<string> sources, WorkloadRecord w, PolicySpec policy, TrafficDirection direction, IReadOnlyList<PolicyRule>? rules)
        {
            for (var i = 0; i < (rules?.Count ?? 0); i++)
            {
                var rule = rules![i];
                var source = PolicyRuleSources.Of(policy, direction, i);
                sources.Add(source);
                var peers = direction == TrafficDirection.Ingress ? rule.From : rule.To;
                var remotes = scope.Remotes(policy, peers, addressBlocks);
                var ports = rule.Ports is { Count: > 0 } ? (IReadOnlyList<PolicyPort?>)rule.Ports : AnyPort;
                foreach (var port in ports)
                {
                    foreach (var (remote, protocol, number, end) in PortResolver.Resolve(port, direction, w, remotes, Everyone))
                        set.Add(new PolicyEntry("", direction, remote, protocol, number, policy.Action, 0, source, end));
                }
            }
        }

        // A reusing computation built only the changed workloads' templates: the rules of the reused ones are in use too.
        if (reuse is not null)
        {
            foreach (var template in seen)
                usedRules.UnionWith(template.Sources);
        }
        // Only templates in use keep their rule numbers (below); one kept for an identity no longer here would stamp a
        // forgotten number on the identity's next workload.
        foreach (var (identity, template) in shared.ToList())
        {
            if (!seen.Contains(template))
                shared.Remove(identity);
        }
        ids.Retain(usedRules, usedCidrs);
        named.Remove(ReservedIdentities.Any);
        // The ipcache holds what the node's rules can tell apart: addresses of the identities its entries
        // name, and every workload address inside a block its policies name (so a workload is never taken
        // for the block around it). Any other address resolves to WORLD, which no entry names, so the
        // verdict is the same as with a full table, and a change elsewhere in the cluster leaves this node's
        // content, and revision, untouched.
        var ipcache = blocks.Count == 0 ? model.IpCacheNaming(named, previous?.NamedIdentities) : IpCacheTable.Of(addressBlocks.IpCache(model.Hosts, named));
        var slices = new PolicySlices(workloadIds, templates);
        return new CompiledRules(endpoints, ipcache, new StampedPolicyList(slices), digest.Value, slices, endpointsDigest.Value)
        {
            Model = model,
            Settings = settings,
            NamedIdentities = blocks.Count == 0 ? named : null,
            SharedTemplates = shared,
            Facts = facts,
        };
    }

    /// <summary>The workload's own mode, else its first matching label group's, else the cluster default.</summary>
    internal static EnforcementMode EffectiveMode(WorkloadRecord w, EnforcementSettings settings) =>
        w.Spec.Mode
        ?? (settings.LabelGroups.Count == 0 ? null : settings.LabelGroups.FirstOrDefault(g => (g.Namespace is null || g.Namespace == w.Spec.Namespace)
            && LabelSelectorMatcher.Matches(g.Selector, w.Spec.Labels))?.Mode)
        ?? settings.DefaultMode;

    internal static IEnumerable<CidrBlock> CidrBlocksOf(PolicySpec policy) =>
        (policy.Ingress ?? []).SelectMany(r => r.From ?? [])
            .Concat((policy.Egress ?? []).SelectMany(r => r.To ?? []))
            .Where(p => p.Cidr is not null)
            .SelectMany(p => (p.Except ?? []).Prepend(p.Cidr!))
            .Select(CidrBlock.Parse);
}
