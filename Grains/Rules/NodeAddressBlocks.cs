using MicroSeg.Grains.Interfaces.Nodes;
using MicroSeg.Grains.Interfaces.Policies;
using MicroSeg.Grains.Interfaces.Workloads;

namespace MicroSeg.Grains.Rules;

/// <summary>
/// The address blocks a node's policies name, and what each address inside them resolves to. The data plane
/// gives an address one identity (longest-prefix match), yet a cidr peer must match workload addresses inside it
/// (DESIGN.md §6) while a selector peer matches the same address by the workload's labels. So a workload address
/// inside named blocks keeps its workload's identity when every address of that identity lies in the same blocks
/// (the usual case: one address, or a 0.0.0.0/0 rule); otherwise the addresses of each distinct block set get a
/// node-local identity of their own, and selector peers naming the workload name those identities too. A cidr peer
/// then matches an address class exactly when the class lies in its block and in none of its except blocks.
/// </summary>
internal sealed class NodeAddressBlocks
{
    /// <summary>Addresses of one identity that lie in the same named blocks, and the identity they resolve to here.</summary>
    private sealed record AddressClass(uint Identity, uint WorkloadIdentity, HashSet<CidrBlock> Blocks, IReadOnlyList<WorkloadRecord> Workloads);

    private readonly List<CidrBlock> _blocks;
    private readonly List<AddressClass> _classes = [];
    private readonly Dictionary<uint, List<AddressClass>> _splits = [];
    private readonly Dictionary<string, uint> _hostIdentity = new(StringComparer.Ordinal);

    /// <param name="blocks">Every block (cidr and except) the node's policies name, in ipcache order.</param>
    /// <param name="model">The cluster snapshot.</param>
    /// <param name="identityOf">Gives a node-local identity for a key (stable across recomputations).</param>
    public NodeAddressBlocks(List<CidrBlock> blocks, ClusterRuleModel model, Func<string, uint> identityOf)
    {
        _blocks = blocks;
        // Blocks equal to a workload address get no identity of their own: the address's class stands for them.
        BlockIdentities = blocks.Where(b => !model.IsWorkloadAddress(b)).ToDictionary(b => b, b => identityOf(b.ToString()));
        if (blocks.Count == 0)
            return;

        var owners = model.Workloads.SelectMany(w => SpecFacts.Of(w.Spec).Hosts.Select(h => (Host: h, Workload: w)))
            .ToLookup(x => x.Host, x => x.Workload);
        foreach (var byIdentity in model.Hosts.GroupBy(h => h.Rule.Identity))
        {
            var bySignature = byIdentity.GroupBy(h => Signature(h.Block), StringComparer.Ordinal).ToList();
            var split = bySignature.Count > 1;
            foreach (var group in bySignature.Where(g => g.Key.Length > 0))
            {
                var identity = split ? identityOf($"{byIdentity.Key}@{group.Key}") : byIdentity.Key;
                var first = group.First().Block;
                var members = blocks.Where(b => b.Contains(first)).ToHashSet();
                var workloads = group.SelectMany(h => owners[h.Block]).Where(w => w.Identity == byIdentity.Key).Distinct().ToList();
                var addressClass = new AddressClass(identity, byIdentity.Key, members, workloads);
                _classes.Add(addressClass);
                if (split)
                    (_splits.TryGetValue(byIdentity.Key, out var list) ? list : _splits[byIdentity.Key] = []).Add(addressClass);
                foreach (var host in group)
                    _hostIdentity[host.Rule.Cidr] = identity;
            }
        }
    }

    /// <summary>Node-local identities of the named blocks that are not workload addresses.</summary>
    public Dictionary<CidrBlock, uint> BlockIdentities { get; }

    /// <summary>
    /// The peers a cidr peer admits: the blocks inside it and the workload address classes inside it, minus
    /// whatever lies in an except block.
    /// </summary>
    public IEnumerable<Remote> Within(CidrBlock block, IReadOnlyList<CidrBlock> except)
    {
        foreach (var (inner, id) in BlockIdentities)
        {
            if (block.Contains(inner) && !except.Any(e => e.Contains(inner)))
                yield return new Remote(id, []);
        }
        foreach (var c in _classes)
        {
            if (c.Blocks.Contains(block) && !except.Any(c.Blocks.Contains))
                yield return new Remote(c.Identity, c.Workloads);
        }
    }

    /// <summary>Selector peers name a workload identity; where its addresses were split, they name every part.</summary>
    public IReadOnlyList<Remote> WithSplits(IReadOnlyList<Remote> remotes)
    {
        if (_splits.Count == 0 || !remotes.Any(r => _splits.ContainsKey(r.Identity)))
            return remotes;
        var result = new List<Remote>(remotes);
        foreach (var r in remotes)
        {
            if (_splits.TryGetValue(r.Identity, out var parts))
                result.AddRange(parts.Select(p => new Remote(p.Identity, p.Workloads)));
        }
        return result;
    }

    /// <summary>
    /// The node's ipcache: the blocks, every workload address inside a block (as its class), and the other
    /// addresses of identities the entries name. Ordered as the ipcache is (ordinal by text).
    /// </summary>
    public List<IpCacheRule> IpCache(ClusterHost[] hosts, HashSet<uint> named)
    {
        var ipcache = new List<IpCacheRule>();
        foreach (var host in hosts)
        {
            if (_hostIdentity.TryGetValue(host.Rule.Cidr, out var identity))
                ipcache.Add(identity == host.Rule.Identity ? host.Rule : host.Rule with { Identity = identity });
            else if (named.Contains(host.Rule.Identity))
                ipcache.Add(host.Rule);
        }
        ipcache.AddRange(BlockIdentities.Select(kv => new IpCacheRule(kv.Key.ToString(), kv.Value)));
        ipcache.Sort((a, b) => string.CompareOrdinal(a.Cidr, b.Cidr));
        return ipcache;
    }

    /// <summary>The named blocks that hold an address, as text (empty when none): the key of its class.</summary>
    private string Signature(CidrBlock host) =>
        string.Join(',', _blocks.Where(b => b.Contains(host)).Select(b => b.ToString()));
}
