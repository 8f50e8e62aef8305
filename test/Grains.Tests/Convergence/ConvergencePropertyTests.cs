using Xunit.Abstractions;

namespace MicroSeg.Grains.Tests.Convergence;

/// <summary>
/// Whatever sequence of changes reaches a node, what its agent holds equals a fresh compile of the final
/// state. Thousands of random sequences (seeded: a failure prints the seed and the shortest failing sequence
/// found by dropping changes one at a time), checked after every change against the node's own desired state
/// and, at the end, against a node that compiles the final state from scratch.
/// </summary>
public sealed class ConvergencePropertyTests(ITestOutputHelper output)
{
    private const string Node = "n1";
    private static readonly string[] Interfaces = ["if0", "if1", "if2", "if3"];

    [Fact]
    public void RandomChangeSequences_AgentStateEqualsFreshCompile()
    {
        const int sequences = 3000;
        // MICROSEG_PROPERTY_SEED replays one run; otherwise a new seed every run, printed.
        var seed = int.TryParse(Environment.GetEnvironmentVariable("MICROSEG_PROPERTY_SEED"), out var given) ? given : Random.Shared.Next();
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        for (var i = 0; i < sequences; i++)
        {
            var sequenceSeed = random.Next();
            var changes = new ChangeGenerator(new Random(sequenceSeed), Interfaces, Node).Sequence(1 + new Random(sequenceSeed).Next(25));
            if (Check(changes) is not { } failure)
                continue;
            var minimal = Shrink(changes);
            Assert.Fail($"seed {seed}, sequence {i} (seed {sequenceSeed}): {Check(minimal) ?? failure}\n"
                + $"minimal failing sequence ({minimal.Count} of {changes.Count} changes):\n  {string.Join("\n  ", minimal)}");
        }
    }

    /// <summary>Replays <paramref name="changes"/> through a node replica; null when every check holds, else what differs.</summary>
    internal static string? Check(IReadOnlyList<ClusterChange> changes)
    {
        var state = new ClusterState();
        var replica = new NodeReplica(Node);
        for (var step = 0; step < changes.Count; step++)
        {
            changes[step].ApplyTo(state);
            // Shrinking can drop the change that freed an address another workload then took: the API refuses
            // such a sequence, so it proves nothing.
            if (state.Workloads.Values.SelectMany(w => w.Addresses).GroupBy(a => a).Any(g => g.Count() > 1))
                return null;
            state.AllocateIdentities();
            replica.Recompute(state);
            var desired = RulesText.Of(replica.Desired!);
            var agent = RulesText.Of(replica.Agent!);
            if (!desired.SetEquals(agent))
                return $"after change {step + 1} the agent holds something else than the node's desired state:\n{RulesText.Difference(desired, agent)}";
            var duplicates = replica.Desired!.IpCache.GroupBy(i => i.Cidr).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
            if (duplicates.Count > 0)
                return $"after change {step + 1} the ipcache lists {string.Join(", ", duplicates)} twice";
        }

        var same = RulesText.Of(replica.FreshWithSameNumbers(state));
        var held = RulesText.Of(replica.Agent!);
        if (!same.SetEquals(held))
            return $"a fresh compile with the node's numbering differs from what the agent holds:\n{RulesText.Difference(same, held)}";
        var (fresh, ids) = NodeReplica.Fresh(Node, state);
        var scratch = RulesText.Of(fresh, ids);
        var numbered = RulesText.Of(replica.Agent!, replica.Ids);
        return scratch.SetEquals(numbered) ? null
            : $"a node compiling the final state from scratch differs (numbers written as what they stand for):\n{RulesText.Difference(scratch, numbered)}";
    }

    /// <summary>Drops changes one at a time while the sequence still fails (the result fails, and no single change can go).</summary>
    internal static List<ClusterChange> Shrink(IReadOnlyList<ClusterChange> changes)
    {
        var current = changes.ToList();
        for (var progress = true; progress;)
        {
            progress = false;
            for (var i = current.Count - 1; i >= 0; i--)
            {
                var shorter = current.Where((_, k) => k != i).ToList();
                if (Check(shorter) is not null)
                {
                    current = shorter;
                    progress = true;
                }
            }
        }
        return current;
    }
}
