using MicroSeg.Grains.Interfaces.Nodes;
using MicroSeg.Grains.Interfaces.Settings;
using MicroSeg.Grains.Interfaces.Workloads;

namespace MicroSeg.Grains.Rules;

/// <summary>
/// What a node's previous computation made for its workloads, for a computation in which some of the node's own
/// workloads changed but no template could have (<see cref="ClusterRuleModel.KeepsTemplatesOf"/>): a workload whose
/// record is the same instance keeps its endpoint rule, entry template and digest facts, and only the others are
/// computed. A write to one workload of a node with 500 endpoints then costs one endpoint, not 500.
/// </summary>
internal sealed class EndpointReuse
{
    // For each workload of the new list, its index in the previous one, or -1 when its record changed or is new.
    private readonly int[] _previousIndex;

    private EndpointReuse(int[] previousIndex, IReadOnlyList<WorkloadRecord> changed)
    {
        _previousIndex = previousIndex;
        Changed = changed;
    }

    /// <summary>The workloads to compute: new, or a different record than last time.</summary>
    public IReadOnlyList<WorkloadRecord> Changed { get; }

    /// <summary>
    /// Where the previous computation's results for the workload at <paramref name="at"/> in the new list sit in its
    /// positional lists (<see cref="CompiledRules.Endpoints"/>, <see cref="CompiledRules.Facts"/>,
    /// <see cref="CompiledRules.PolicySlices"/>), or -1 to compute it.
    /// </summary>
    public int PreviousIndex(int at) => _previousIndex[at];

    /// <summary>Reuse of <paramref name="previous"/> for a computation of <paramref name="local"/>, or null when it cannot be reused.</summary>
    public static EndpointReuse? From(CompiledRules? previous, ClusterRuleModel model, string node, IReadOnlyList<WorkloadRecord> local, EnforcementSettings settings)
    {
        if (previous is not { NamedIdentities: not null, Model: { } earlier } || !Equals(previous.Settings, settings)
            || !model.KeepsTemplatesOf(earlier) || SameRecords(previous, node, local) is not { } index)
            return null;
        var changed = new List<WorkloadRecord>();
        for (var i = 0; i < local.Count; i++)
        {
            if (index[i] < 0)
                changed.Add(local[i]);
        }
        // Mostly new workloads: a full computation costs about the same and keeps the rule numbers tidy.
        return changed.Count * 2 > local.Count ? null : new EndpointReuse(index, changed);
    }

    /// <summary>
    /// For each workload of <paramref name="local"/>, the index in <paramref name="previous"/>'s positional lists of the
    /// same record instance, or -1 when its record changed or is new; null when <paramref name="previous"/> cannot be read
    /// by position. What a full computation reads to keep an unchanged workload's endpoint rule and digest facts.
    /// </summary>
    public static int[]? SameRecords(CompiledRules? previous, string node, IReadOnlyList<WorkloadRecord> local)
    {
        if (previous is not { Model: { } earlier } || previous.Facts.Length != previous.Endpoints.Length
            || previous.PolicySlices.Count != previous.Endpoints.Length)
            return null;
        // The previous computation's endpoints follow its model's workloads of this node, ordered by id, as the new ones do.
        var before = earlier.LocalTo(node).ForIndexing();
        if (before.Count != previous.Endpoints.Length)
            return null;
        var index = new int[local.Count];
        var j = 0;
        for (var i = 0; i < local.Count; i++)
        {
            var w = local[i];
            // Most records are the same instance at the same place: no id comparison needed.
            if (j < before.Count && ReferenceEquals(before[j], w))
            {
                index[i] = j++;
                continue;
            }
            while (j < before.Count && string.CompareOrdinal(before[j].Spec.Id, w.Spec.Id) < 0)
                j++;
            if (j < before.Count && ReferenceEquals(before[j], w))
                index[i] = j++;
            else
                index[i] = -1;
        }
        return index;
    }
}
