using MicroSeg.Bpf.Tests.Fixtures;

namespace MicroSeg.Bpf.Tests.Maps;

public sealed class MapSyncTests(DatapathFixture fixture) : IClassFixture<DatapathFixture>
{
    private static PolicyKey Key(ushort port) => new(7, 200, port, 6, TrafficDirection.Ingress);

    [Fact]
    public void Apply_MixedDifferences_AddsChangesDeletesAndReportsCounts()
    {
        fixture.Reset();
        var policy = fixture.Datapath.Policy;
        policy.Update(Key(1), new PolicyValue(1, PolicyAction.Allow));
        policy.Update(Key(2), new PolicyValue(2, PolicyAction.Allow));
        policy.Update(Key(3), new PolicyValue(3, PolicyAction.Allow));
        var desired = new Dictionary<PolicyKey, PolicyValue>
        {
            [Key(1)] = new(1, PolicyAction.Allow),  // unchanged
            [Key(2)] = new(2, PolicyAction.Deny),   // changed
            [Key(4)] = new(4, PolicyAction.Allow),  // added; Key(3) goes
        };

        var result = MapSync.Apply(policy, desired);

        Assert.Equal(new MapSyncResult(Added: 1, Changed: 1, Deleted: 1), result);
        var actual = policy.Entries().ToDictionary(e => e.Key.Port, e => (e.Value.RuleId, e.Value.Action));
        Assert.Equal(desired.ToDictionary(e => e.Key.Port, e => (e.Value.RuleId, e.Value.Action)), actual);
        Assert.True(MapSync.Apply(policy, desired).Unchanged);
    }

    [Fact]
    public void Apply_EmptyDesired_DeletesEverything()
    {
        fixture.Reset();
        var ipcache = fixture.Datapath.IpCache;
        for (var i = 0; i < 300; i++)
            ipcache.Update(IpCacheKey.FromCidr($"198.18.{i / 256}.{i % 256}/32"), new IpCacheValue((uint)i + 10));

        var result = MapSync.Apply(ipcache, new Dictionary<IpCacheKey, IpCacheValue>());

        Assert.Equal(300, result.Deleted);
        Assert.Empty(ipcache.Entries());
    }

    [Fact]
    public void Delete_MissingKey_ReturnsFalse()
    {
        fixture.Reset();
        Assert.False(fixture.Datapath.Endpoints.Delete(987654));
        Assert.False(fixture.Datapath.Endpoints.TryLookup(987654, out _));
    }
}
