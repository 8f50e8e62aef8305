using MicroSeg.Grains.Flows;
using MicroSeg.Grains.Interfaces.Flows;

namespace MicroSeg.Grains.Tests.Flows;

public sealed class TopologyBuilderTests
{
    private static readonly DateTimeOffset T = new(2026, 12, 6, 4, 0, 0, TimeSpan.Zero);

    private static readonly EdgeSummary[] Edges =
    [
        Edge(Workload("a-1", "shop", "a"), Workload("b-1", "shop", "b"), "allow", 10, T),
        Edge(Workload("a-2", "shop", "a"), Workload("b-1", "shop", "b"), "allow", 5, T.AddMinutes(1)),
        Edge(Workload("c-1", "lab", "c"), Workload("b-1", "shop", "b"), "deny", 3, T.AddMinutes(-10)),
        Edge(Workload("a-1", "shop", "a"), new EdgeEnd("198.18.9.0/24", null, new Dictionary<string, string>()), "allow", 1, T),
    ];

    [Fact]
    public void Build_App_MergesWorkloadsOfOneApp_AllVerdictsPresent()
    {
        var view = TopologyBuilder.Build(Edges, TopologyLevel.App, "app", null);

        var aToB = view.Edges.Single(e => e.Src == "a" && e.Dst == "b");
        Assert.Equal(15, aToB.Verdicts["allow"]);
        Assert.Equal(0, aToB.Verdicts["deny"]);
        Assert.Equal(0, aToB.Verdicts["would-deny"]);
        Assert.Equal(T.AddMinutes(1), aToB.LastSeen);
        Assert.Equal(["198.18.9.0/24", "a", "b", "c"], view.Nodes.Select(n => n.Id));
        Assert.Equal("external", view.Nodes[0].Level);
        // Labels every member shares: both a workloads carry app=a, and their own tier label differs.
        Assert.Equal(new Dictionary<string, string> { ["app"] = "a" }, view.Nodes.Single(n => n.Id == "a").Labels);
    }

    [Fact]
    public void Build_NamespaceSince_GroupsByNamespace_LeavesOutOlderEdges()
    {
        var view = TopologyBuilder.Build(Edges, TopologyLevel.Namespace, "app", T.AddMinutes(-1));

        Assert.Equal(["shop->198.18.9.0/24", "shop->shop"], view.Edges.Select(e => $"{e.Src}->{e.Dst}"));
        Assert.Equal(15, view.Edges.Single(e => e.Dst == "shop").Verdicts["allow"]);
    }

    private static EdgeEnd Workload(string id, string ns, string app) =>
        new(id, ns, new Dictionary<string, string> { ["app"] = app, ["tier"] = id });

    private static EdgeSummary Edge(EdgeEnd src, EdgeEnd dst, string verdict, long connections, DateTimeOffset lastSeen) =>
        new(src, dst, lastSeen.AddMinutes(-1), lastSeen, ["TCP/80"], new Dictionary<string, long> { [verdict] = connections }, ["p"], connections, connections, 0);
}
