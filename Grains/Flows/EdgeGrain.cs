using MicroSeg.Grains.Interfaces;
using MicroSeg.Grains.Interfaces.Flows;
using Orleans;
using Orleans.Runtime;

namespace MicroSeg.Grains.Flows;

/// <summary>Persisted state of an edge.</summary>
[GenerateSerializer, Alias("microseg.state.EdgeState")]
internal sealed class EdgeState
{
    [Id(0)] public EdgeEnd? Src { get; set; }
    [Id(1)] public EdgeEnd? Dst { get; set; }
    [Id(2)] public DateTimeOffset FirstSeen { get; set; }
    [Id(3)] public DateTimeOffset LastSeen { get; set; }
    [Id(4)] public SortedSet<string> Ports { get; set; } = new(StringComparer.Ordinal);
    [Id(5)] public Dictionary<string, long> Verdicts { get; set; } = new(StringComparer.Ordinal);
    [Id(6)] public SortedSet<string> Policies { get; set; } = new(StringComparer.Ordinal);
    [Id(7)] public long Connections { get; set; }
    [Id(8)] public long Packets { get; set; }
    [Id(9)] public long Bytes { get; set; }
}

/// <summary>
/// One edge of the traffic graph (key <see cref="EdgeKeys.Of"/>). Its state is written with every batch (one per
/// node per interval at most) and its summary handed to the topology index.
/// </summary>
internal sealed class EdgeGrain(
    [PersistentState("edge")] IPersistentState<EdgeState> state) : Grain, IEdgeGrain
{
    /// <summary>An edge keeps at most this many distinct ports and policies; a port scan must not grow it without bound.</summary>
    internal const int MaxDistinct = 64;

    public async Task RecordAsync(EdgeEnd src, EdgeEnd dst, IReadOnlyList<FlowRecord> flows)
    {
        ArgumentNullException.ThrowIfNull(flows);
        if (flows.Count == 0)
            return;
        var s = state.State;
        s.Src = src;
        s.Dst = dst;
        foreach (var f in flows)
        {
            if (s.Connections == 0 && s.Packets == 0 || f.FirstSeen < s.FirstSeen)
                s.FirstSeen = f.FirstSeen;
            if (f.LastSeen > s.LastSeen)
                s.LastSeen = f.LastSeen;
            if (f.Dst.Port is { } port && s.Ports.Count < MaxDistinct)
                s.Ports.Add($"{f.Protocol}/{port}");
            s.Verdicts[f.Verdict] = s.Verdicts.GetValueOrDefault(f.Verdict) + f.Connections;
            if (f.Policy is { } policy && s.Policies.Count < MaxDistinct)
                s.Policies.Add(policy);
            s.Connections += f.Connections;
            s.Packets += f.Packets;
            s.Bytes += f.Bytes;
        }
        await state.WriteStateAsync();
        await GrainFactory.GetGrain<ITopologyIndexGrain>(GrainKeys.Cluster).UpdateAsync(Summary());
    }

    public Task<EdgeSummary> GetAsync() => Task.FromResult(Summary());

    private EdgeSummary Summary()
    {
        var s = state.State;
        var (src, dst) = Ends();
        // Plain lists, not collection expressions: the topology index stores summaries through the grain-storage
        // serializer, which must find the collection types again when it reads them back.
        return new EdgeSummary(s.Src ?? src, s.Dst ?? dst, s.FirstSeen, s.LastSeen, s.Ports.ToList(),
            new Dictionary<string, long>(s.Verdicts, StringComparer.Ordinal), s.Policies.ToList(), s.Connections, s.Packets, s.Bytes);
    }

    /// <summary>The ends as the key names them, for an edge with no flows yet.</summary>
    private (EdgeEnd, EdgeEnd) Ends()
    {
        var key = this.GetPrimaryKeyString();
        var arrow = key.IndexOf("->", StringComparison.Ordinal);
        var empty = new Dictionary<string, string>();
        return arrow < 0 ? (new EdgeEnd(key, null, empty), new EdgeEnd("", null, empty))
            : (new EdgeEnd(key[..arrow], null, empty), new EdgeEnd(key[(arrow + 2)..], null, empty));
    }
}
