using MicroSeg.Grains.Interfaces.Workloads;
using MicroSeg.Grains.Rules;

namespace MicroSeg.Grains.Tests.Rules;

/// <summary>Tables derived change by change must hold what tables built from the same snapshot hold.</summary>
public sealed class WorkloadTablesTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Derived_HoldsWhatABuildFromTheSnapshotHolds(int seed)
    {
        var random = new Random(seed);
        var cluster = new RandomCluster(random);
        var before = cluster.Snapshot();
        var tables = WorkloadTables.Build(before);
        for (var step = 0; step < 40; step++)
        {
            // Mostly a few changes, sometimes a burst: a list then loses and gains many records in one derivation.
            cluster.Change(changes: step % 8 == 7 ? 80 : random.Next(1, 4));
            var after = cluster.Snapshot();
            tables = tables.Apply(WorkloadDiff.Between(before, after, limit: int.MaxValue)!, out _);
            AssertSame(WorkloadTables.Build(after), tables, after);
            before = after;
        }
    }

    [Fact]
    public void Derived_ManyRecordsOfOneIdentityLeavingAndComing_KeepsTheListsOrdered()
    {
        var before = Enumerable.Range(0, 100).Select(i => Workload($"w{i:D3}", $"198.18.2.{i}")).ToList();
        var tables = WorkloadTables.Build(before);
        // 40 leave, 30 come back with other addresses, 20 new ones come in between the others.
        var after = before.Where((_, i) => i % 5 > 1)
            .Concat(before.Where((_, i) => i % 5 == 0).Take(30).Select(w => Workload(w.Spec.Id, $"198.18.3.{w.Spec.Id[1..]}")))
            .Concat(Enumerable.Range(0, 20).Select(i => Workload($"w{i * 5:D3}x", $"198.18.4.{i}")))
            .OrderBy(w => w.Spec.Id, StringComparer.Ordinal).ToList();

        var derived = tables.Apply(WorkloadDiff.Between(before, after, limit: int.MaxValue)!, out var touched);

        Assert.Equal([300u], touched);
        AssertSame(WorkloadTables.Build(after), derived, after);
        Assert.Equal(after.Select(w => w.Spec.Id), derived.LocalTo("n1").Select(w => w.Spec.Id));
    }

    private static void AssertSame(WorkloadTables expected, WorkloadTables actual, IReadOnlyList<WorkloadRecord> snapshot)
    {
        Assert.Equal(expected.Identities.Select(kv => (kv.Key, Ids(kv.Value))), actual.Identities.Select(kv => (kv.Key, Ids(kv.Value))));
        foreach (var identity in snapshot.Select(w => w.Identity).Distinct())
        {
            Assert.Equal(expected.HostsOf(identity).Select(h => h.Rule), actual.HostsOf(identity).Select(h => h.Rule));
            Assert.Equal(expected.HostsOf(identity).Select(h => h.Block), actual.HostsOf(identity).Select(h => h.Block));
            Assert.Equal(expected.NodesOf(identity), actual.NodesOf(identity));
        }
        foreach (var node in snapshot.Select(w => w.Spec.Node).Distinct())
            Assert.Equal(Ids(expected.LocalTo(node)), Ids(actual.LocalTo(node)));
        Assert.Equal(expected.AllHosts().Select(h => h.Rule), actual.AllHosts().Select(h => h.Rule));
    }

    private static string Ids(IEnumerable<WorkloadRecord> workloads) => string.Join(',', workloads.Select(w => w.Spec.Id));

    private static WorkloadRecord Workload(string id, string address) =>
        new(new WorkloadSpec { Id = id, Node = "n1", Interface = $"v{id}", Addresses = [address] }, 300);
}
