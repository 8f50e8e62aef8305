using MicroSeg.Grains.Interfaces;
using MicroSeg.Grains.Interfaces.Policies;
using MicroSeg.Grains.Interfaces.Provisions;
using MicroSeg.Grains.Interfaces.Validation;

namespace MicroSeg.Grains.Tests.Cluster;

/// <summary>Provision versions on two silos: recorded with what they replaced, applied as active policies, reverted to the earlier set.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ProvisionLogTests(ClusterFixture fixture)
{
    private IProvisionLogGrain Log => fixture.Grains.GetGrain<IProvisionLogGrain>(GrainKeys.Cluster);

    [Fact]
    public async Task Provision_ThenRevert_RestoresEveryPolicyTheVersionAndLaterOnesChanged()
    {
        var prefix = $"prov-{Guid.NewGuid():N}"[..13];
        var original = Policy($"{prefix}-pre", 80);
        await fixture.Grains.GetGrain<IPolicyGrain>(original.Id).SetAsync(original);

        var first = await Log.ProvisionAsync([Policy($"{prefix}-new", 81) with { Draft = true }, Policy(original.Id, 82)], "alice", "recommendation/r-1");
        var second = await Log.ProvisionAsync([Policy($"{prefix}-later", 83)], "bob", "recommendation/r-2");

        Assert.True(first.Applied);
        Assert.Equal(first.Version + 1, second.Version);
        Assert.Equal(["added", "changed"], first.Changes.Select(c => c.Kind));
        Assert.Equal(80, first.Changes[1].Before!.Ingress![0].Ports![0].Port!.Value.Number);
        // Provisioned means active: the draft flag is off in the grain and in the index every node reads.
        var provisioned = await fixture.Grains.GetGrain<IPolicyGrain>($"{prefix}-new").GetAsync();
        Assert.False(provisioned!.Draft);
        var indexed = await fixture.Grains.GetGrain<IPolicyIndexGrain>(GrainKeys.Cluster).GetAllAsync();
        Assert.Contains(indexed, p => p.Id == $"{prefix}-new" && !p.Draft);

        var revert = await Log.RevertAsync(first.Version, "carol");

        Assert.NotNull(revert);
        Assert.Equal($"revert/{first.Version}", revert.Source);
        Assert.Equal(second.Version + 1, revert.Version);
        Assert.Equal("carol", revert.By);
        Assert.Null(await fixture.Grains.GetGrain<IPolicyGrain>($"{prefix}-new").GetAsync());
        Assert.Null(await fixture.Grains.GetGrain<IPolicyGrain>($"{prefix}-later").GetAsync());
        var restored = await fixture.Grains.GetGrain<IPolicyGrain>(original.Id).GetAsync();
        Assert.Equal(80, restored!.Ingress![0].Ports![0].Port!.Value.Number);
        indexed = await fixture.Grains.GetGrain<IPolicyIndexGrain>(GrainKeys.Cluster).GetAllAsync();
        Assert.DoesNotContain(indexed, p => p.Id == $"{prefix}-new" || p.Id == $"{prefix}-later");
        var versions = await Log.ListAsync();
        Assert.Equal([first.Version, second.Version, revert.Version], versions.Where(v => v.Version >= first.Version).Select(v => v.Version));
        Assert.All(versions, v => Assert.True(v.Applied));
    }

    [Fact]
    public async Task Provision_InvalidPolicy_ThrowsNamingItAndRecordsNothing()
    {
        var before = (await Log.ListAsync()).Count;
        var bad = Policy($"bad-{Guid.NewGuid():N}"[..12], 70_000);

        var error = await Assert.ThrowsAsync<SpecValidationException>(() => Log.ProvisionAsync([Policy("fine-one", 80), bad], "alice", "test"));

        Assert.All(error.Errors, e => Assert.StartsWith("policies[1].", e.Field, StringComparison.Ordinal));
        Assert.Equal(before, (await Log.ListAsync()).Count);
        Assert.Null(await fixture.Grains.GetGrain<IPolicyGrain>(bad.Id).GetAsync());
        Assert.Null(await fixture.Grains.GetGrain<IPolicyGrain>("fine-one").GetAsync());
    }

    [Fact]
    public async Task Revert_UnknownVersion_IsNull() =>
        Assert.Null(await Log.RevertAsync(long.MaxValue, "alice"));

    private static PolicySpec Policy(string id, int port) => new()
    {
        Id = id,
        Selector = new LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = id } },
        Ingress = [new PolicyRule { Ports = [new PolicyPort { Protocol = "TCP", Port = port }] }],
    };
}
