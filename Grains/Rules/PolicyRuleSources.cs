using System.Runtime.CompilerServices;
using MicroSeg.Grains.Interfaces.Nodes;
using MicroSeg.Grains.Interfaces.Policies;

namespace MicroSeg.Grains.Rules;

/// <summary>
/// The source text (<see cref="MicroSeg.Grains.Interfaces.Nodes.RuleSources"/>) of each rule of a policy ("web/ingress/0"): what a node's rule ids are keyed by and what flow
/// events name. Made once per policy instance instead of formatted again by every node for every endpoint
/// template it compiles (a fan-out to 100 nodes formatted each string hundreds of times).
/// </summary>
internal static class PolicyRuleSources
{
    private static readonly ConditionalWeakTable<PolicySpec, string[][]> Made = [];

    public static string Of(PolicySpec policy, TrafficDirection direction, int index) =>
        Made.GetValue(policy, Build)[direction == TrafficDirection.Ingress ? 0 : 1][index];

    private static string[][] Build(PolicySpec policy) =>
    [
        Texts(policy.Id, "ingress", policy.Ingress?.Count ?? 0),
        Texts(policy.Id, "egress", policy.Egress?.Count ?? 0),
    ];

    private static string[] Texts(string id, string direction, int count) =>
        Enumerable.Range(0, count).Select(i => $"{id}/{direction}/{i}").ToArray();
}
