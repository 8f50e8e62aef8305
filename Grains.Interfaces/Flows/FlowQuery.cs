using Orleans;

namespace MicroSeg.Grains.Interfaces.Flows;

/// <summary>Filters of a flow-history query; every one given must match.</summary>
/// <param name="Src">Source workload id.</param>
/// <param name="Dst">Destination workload id.</param>
/// <param name="Namespace">Source or destination namespace.</param>
/// <param name="Verdict">"allow", "deny" or "would-deny".</param>
/// <param name="Policy">Deciding policy id.</param>
/// <param name="Since">Flows last seen at or after.</param>
/// <param name="Until">Flows first seen before.</param>
/// <param name="Limit">At most this many records (1-1000).</param>
/// <param name="Before">Only records older than this history id (a page cursor); null from the newest.</param>
/// <param name="After">Only records newer than this history id, oldest first (following); null otherwise.</param>
[GenerateSerializer, Immutable, Alias("microseg.FlowQuery")]
public sealed record FlowQuery(
    string? Src = null,
    string? Dst = null,
    string? Namespace = null,
    string? Verdict = null,
    string? Policy = null,
    DateTimeOffset? Since = null,
    DateTimeOffset? Until = null,
    int Limit = 100,
    long? Before = null,
    long? After = null)
{
    /// <summary>Largest page.</summary>
    public const int MaxLimit = 1000;
}

/// <summary>A page of flow history, newest first.</summary>
/// <param name="Items">The records.</param>
/// <param name="Next">The history id to continue before, or null when this is the last page.</param>
[GenerateSerializer, Immutable, Alias("microseg.FlowPage")]
public sealed record FlowPage(IReadOnlyList<FlowRecord> Items, long? Next);
