using MicroSeg.Grains.Interfaces.Nodes;
using MicroSeg.Grains.Rules;

namespace MicroSeg.Grains.Tests.Rules;

/// <summary>
/// A patched table must hold exactly the rows, and the digest, of the same content built whole; and the changes read
/// from its lineage must be exactly what a row-by-row comparison finds.
/// </summary>
public sealed class IpCacheTableTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Patched_EqualsTheSameContentBuiltWhole_AndItsLineageGivesTheRowDiff(int seed)
    {
        var random = new Random(seed);
        // Address -> owner; a table names the even identities only.
        var owners = Enumerable.Range(0, 300).ToDictionary(i => Address(i), _ => (uint?)(uint)random.Next(1, 9));
        static bool Names(uint identity) => identity % 2 == 0;
        IpCacheTable Whole() => IpCacheTable.Of(owners
            .Where(kv => kv.Value is { } id && Names(id))
            .Select(kv => new IpCacheRule(kv.Key, kv.Value!.Value))
            .OrderBy(r => r.Cidr, StringComparer.Ordinal).ToList());

        var tables = new List<IpCacheTable> { Whole() };
        for (var step = 0; step < 40; step++)
        {
            // Some addresses change owner, leave, or appear (new addresses sort anywhere among the old ones).
            var changed = Enumerable.Range(0, random.Next(1, 12)).Select(_ => Address(random.Next(0, 360))).Distinct().ToList();
            foreach (var address in changed)
                owners[address] = random.Next(4) == 0 ? null : (uint)random.Next(1, 9);
            var changes = changed.Order(StringComparer.Ordinal)
                .Select(a => new ChangedHost(a, owners[a] is { } id ? new IpCacheRule(a, id) : null)).ToList();

            var patched = tables[^1].Patched(changes, Names);
            var whole = Whole();
            Assert.Equal(whole.Rules, patched.Rules);
            Assert.Equal(whole.Digest, patched.Digest);
            tables.Add(patched);

            // From any earlier table of the lineage, the changes are those of a full comparison.
            var earlier = tables[random.Next(Math.Max(0, tables.Count - 1 - IpCacheTable.LongestLineage), tables.Count)];
            var since = patched.ChangesSince(earlier);
            Assert.NotNull(since);
            var rowDiff = RowDiff(earlier.Rules, patched.Rules);
            Assert.Equal(rowDiff.Set, since.Value.Set);
            Assert.Equal(rowDiff.Removed, since.Value.Removed);
        }
        // A table of another lineage, or one further back than a delta walks, is not an ancestor: compare rows instead.
        Assert.Null(tables[^1].ChangesSince(Whole()));
        Assert.Null(tables[^1].ChangesSince(tables[0]));
    }

    [Fact]
    public void Patched_WithNothingThatChangesARow_IsTheSameTable()
    {
        var table = IpCacheTable.Of([new IpCacheRule("198.18.0.1/32", 2), new IpCacheRule("198.18.0.2/32", 4)]);
        // One address keeps its owner; another moves to an identity the table does not name, and was not in it.
        var same = table.Patched([new ChangedHost("198.18.0.1/32", new IpCacheRule("198.18.0.1/32", 2)), new ChangedHost("198.18.0.3/32", new IpCacheRule("198.18.0.3/32", 5))],
            identity => identity % 2 == 0);
        Assert.Same(table, same);
        var (set, removed) = same.ChangesSince(table)!.Value;
        Assert.Empty(set);
        Assert.Empty(removed);
    }

    [Fact]
    public void Patched_ChangesThatSayTheirOwnerBefore_AreReadOnlyWhereANamedIdentityOwnedOrOwnsThem()
    {
        var table = IpCacheTable.Of([new IpCacheRule("198.18.0.1/32", 2), new IpCacheRule("198.18.0.2/32", 4)]);
        static bool Named(uint identity) => identity % 2 == 0;
        // Owned by 3 before and 5 now, neither named: passed by, even though a row under its text would have been dropped.
        Assert.Same(table, table.Patched([new ChangedHost("198.18.0.2/32", new IpCacheRule("198.18.0.2/32", 5)) { BeforeKnown = true, Before = 3 }], Named));

        var patched = table.Patched(
        [
            // Named before, not now: its row goes.
            new ChangedHost("198.18.0.1/32", new IpCacheRule("198.18.0.1/32", 7)) { BeforeKnown = true, Before = 2 },
            // Nobody's before, named now: a row comes.
            new ChangedHost("198.18.0.3/32", new IpCacheRule("198.18.0.3/32", 6)) { BeforeKnown = true, Before = null },
        ], Named);

        Assert.Equal([new IpCacheRule("198.18.0.2/32", 4), new IpCacheRule("198.18.0.3/32", 6)], patched.Rules);
        Assert.Equal(IpCacheTable.Of(patched.Rules).Digest, patched.Digest);
    }

    private static string Address(int i) => $"198.18.{i / 200}.{i % 200}/32";

    private static (List<IpCacheRule> Set, List<string> Removed) RowDiff(IReadOnlyList<IpCacheRule> from, IReadOnlyList<IpCacheRule> to)
    {
        var old = from.ToDictionary(r => r.Cidr);
        var set = to.Where(r => !old.TryGetValue(r.Cidr, out var was) || was != r).ToList();
        var now = to.Select(r => r.Cidr).ToHashSet();
        return (set, from.Select(r => r.Cidr).Where(c => !now.Contains(c)).ToList());
    }
}
