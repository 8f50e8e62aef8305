using System.Security.Cryptography;
using MicroSeg.Bpf;
using MicroSeg.Grains.Interfaces.Nodes;
using MicroSeg.Grains.Tests.Convergence;
using MicroSeg.NodeAgent.Interfaces;
using MicroSeg.NodeAgent.Programming;
using MicroSeg.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;

namespace MicroSeg.NodeAgent.Tests.Programming;

/// <summary>
/// The convergence property against real pinned BPF maps: random change sequences are compiled and sent as
/// deltas as a node grain does, the agent's programmer writes each revision to the kernel (incrementally after
/// the first, as between its periodic full passes), and at the end every map read back from the kernel equals
/// the maps of a fresh compile of the final state. Runs as root on real veths (their interfaces are the
/// workloads'); a machine that cannot load the object fails the test rather than skipping it.
/// </summary>
public sealed class KernelConvergenceTests(ITestOutputHelper output) : IDisposable
{
    private const string Node = "n1";
    private readonly string _pins = $"/sys/fs/bpf/microseg/test-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";
    private readonly TestNetwork _network = TestNetwork.Create();

    [Fact]
    public void RandomChangeSequences_KernelMapsEqualFreshCompile()
    {
        var interfaces = new[] { "a", "b", "c" }.Select((name, i) => _network.AddPod(name, $"198.18.5.{200 + i}/24").HostInterface)
            .Append("msgone0") // an interface that does not exist: its workload must stay out of the maps
            .ToList();
        using var datapath = Datapath.Load(new DatapathOptions { ObjectPath = RepoLayout.BpfObjectPath, PinDirectory = _pins, ConntrackMaxEntries = 4096 });
        var seed = int.TryParse(Environment.GetEnvironmentVariable("MICROSEG_PROPERTY_SEED"), out var given) ? given : Random.Shared.Next();
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        for (var i = 0; i < 40; i++)
        {
            var sequenceSeed = random.Next();
            var changes = new ChangeGenerator(new Random(sequenceSeed), interfaces, Node).Sequence(1 + new Random(sequenceSeed).Next(20));
            var wrong = Replay(datapath, changes);
            Assert.True(wrong.Count == 0, $"seed {seed}, sequence {i} (seed {sequenceSeed}): {string.Join("; ", wrong)}\n  {string.Join("\n  ", changes)}");
        }
    }

    /// <summary>Applies every revision of the sequence to the kernel maps, then lists the maps that differ from a fresh compile.</summary>
    private List<string> Replay(Datapath datapath, IReadOnlyList<ClusterChange> changes)
    {
        Clear(datapath);
        var programmer = new DatapathProgrammer(datapath, new ConntrackCollector(datapath), new InterfaceResolver(new InterfaceAllowList([])),
            new InterfaceAttachments(datapath, NullLogger<InterfaceAttachments>.Instance), new FrozenTime(), NullLogger<DatapathProgrammer>.Instance);
        try
        {
            var state = new ClusterState();
            var replica = new NodeReplica(Node);
            foreach (var change in changes)
            {
                change.ApplyTo(state);
                state.AllocateIdentities();
                replica.Recompute(state);
                programmer.Apply(replica.Agent!);
            }
            var fresh = replica.FreshWithSameNumbers(state);
            var expected = DesiredMaps.From(new NodeRules(Node, "epoch", 0, fresh.Endpoints, fresh.IpCache, fresh.Policy), name => new InterfaceLookup(NetworkInterfaces.IndexOf(name), null));
            var wrong = new List<string>();
            Compare("endpoints", datapath.Endpoints, expected.Endpoints, wrong);
            Compare("ipcache", datapath.IpCache, expected.IpCache, wrong);
            Compare("ipcache hosts", datapath.IpCacheHosts, expected.IpCacheHosts, wrong);
            Compare("policy", datapath.Policy, expected.Policy, wrong);
            Compare("policy ranges", datapath.PolicyRanges, expected.PolicyRanges, wrong);
            Compare("source addresses", datapath.SourceAddresses, expected.SourceAddresses, wrong);
            return wrong;
        }
        finally
        {
            // The agent leaves programs attached when it stops; a test removes its own.
            foreach (var ifindex in _network.Pods.Select(p => NetworkInterfaces.IndexOf(p.HostInterface)).Where(i => i > 0))
                datapath.Detach(ifindex);
        }
    }

    private static void Compare<TKey, TValue>(string name, BpfMap<TKey, TValue> map, IReadOnlyDictionary<TKey, TValue> expected, List<string> wrong)
        where TKey : unmanaged
        where TValue : unmanaged
    {
        var actual = map.Entries().ToList();
        var missing = expected.Count(e => !actual.Any(a => ByteComparer<TKey>.Instance.Equals(a.Key, e.Key) && ByteComparer<TValue>.Instance.Equals(a.Value, e.Value)));
        var extra = actual.Count(a => !expected.TryGetValue(a.Key, out var value) || !ByteComparer<TValue>.Instance.Equals(a.Value, value));
        if (missing > 0 || extra > 0)
            wrong.Add($"{name}: {missing} expected entries missing or different, {extra} entries that should not be there (kernel {actual.Count}, expected {expected.Count})");
    }

    private static void Clear(Datapath datapath)
    {
        datapath.Endpoints.Clear();
        datapath.SourceAddresses.Clear();
        datapath.IpCache.Clear();
        datapath.IpCacheHosts.Clear();
        datapath.Policy.Clear();
        datapath.PolicyRanges.Clear();
    }

    public void Dispose()
    {
        _network.Dispose();
        if (Directory.Exists(_pins))
            Directory.Delete(_pins, recursive: true);
    }

    /// <summary>A clock that never moves: the programmer's periodic full pass never comes, so every pass after the first is incremental.</summary>
    private sealed class FrozenTime : TimeProvider
    {
        private readonly DateTimeOffset _now = DateTimeOffset.UtcNow;

        public override DateTimeOffset GetUtcNow() => _now;
    }
}
