using MicroSeg.Grains.Interfaces.Workloads;
using MicroSeg.Grains.Rules;

namespace MicroSeg.Grains.Tests.Rules;

/// <summary>The facts are kept process-wide: these tests run alone, so that no other test's build drops them midway.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SpecFactsCollection
{
    public const string Name = "spec facts, process-wide";
}

[Collection(SpecFactsCollection.Name)]
public sealed class SpecFactsTests
{
    [Fact]
    public void Of_ParsesHostAddresses_LeavesOutWhatIsNoHost_AndIsMadeOncePerSpec()
    {
        var spec = Spec("facts-1", "198.18.0.9", "fd00:198:18::9", "198.18.0.0/24", "not-an-address");

        var facts = SpecFacts.Of(spec);

        Assert.Equal(["198.18.0.9/32", "fd00:198:18::9/128"], facts.HostTexts);
        Assert.Equal(facts.HostTexts, facts.Hosts.Select(h => h.ToString()));
        Assert.Same(facts, SpecFacts.Of(spec));
    }

    [Fact]
    public void AnotherInstanceOfTheId_GetsItsOwnFacts_AndNeverTheOthers()
    {
        var first = Spec("facts-2", "198.18.0.10");
        var second = first with { Addresses = ["198.18.0.11"] };

        var before = SpecFacts.Of(first);
        var after = SpecFacts.Of(second);
        var again = SpecFacts.Of(first);

        Assert.Equal(["198.18.0.10/32"], before.HostTexts);
        Assert.Equal(["198.18.0.11/32"], after.HostTexts);
        Assert.Equal(["198.18.0.10/32"], again.HostTexts);
        Assert.NotEqual(before.Digest, after.Digest);
        Assert.Equal(before.Digest, again.Digest);
    }

    [Fact]
    public void Forget_DropsOnlyTheFactsOfThatInstance()
    {
        var kept = Spec("facts-3", "198.18.0.12");
        var facts = SpecFacts.Of(kept);

        SpecFacts.Forget(kept with { Addresses = ["198.18.0.12"] });
        Assert.Same(facts, SpecFacts.Of(kept));
        SpecFacts.Forget(kept);
        Assert.NotSame(facts, SpecFacts.Of(kept));
    }

    [Fact]
    public void RetainOnly_DropsTheFactsOfWorkloadsNotInTheSnapshot()
    {
        var stays = Spec("facts-4", "198.18.0.13");
        var goes = Spec("facts-5", "198.18.0.14");
        var (staying, going) = (SpecFacts.Of(stays), SpecFacts.Of(goes));

        SpecFacts.RetainOnly([new WorkloadRecord(stays, 256)]);

        Assert.Same(staying, SpecFacts.Of(stays));
        Assert.NotSame(going, SpecFacts.Of(goes));
    }

    [Fact]
    public void Trim_SweepsOnlyOnceOthersOutnumberTheSnapshotByTheMargin()
    {
        SpecFacts.RetainOnly([]);
        var kept = new WorkloadRecord(Spec("facts-kept", "198.18.1.1"), 256);
        SpecFacts.Of(kept.Spec);
        for (var i = 0; i < 1024; i++)
            SpecFacts.Of(Spec($"facts-gone-{i}", "198.18.2.1"));

        SpecFacts.Trim([kept]);
        Assert.Equal(1025, SpecFacts.Count);
        SpecFacts.Of(Spec("facts-gone-1024", "198.18.2.1"));
        SpecFacts.Trim([kept]);
        Assert.Equal(1, SpecFacts.Count);
    }

    private static WorkloadSpec Spec(string id, params string[] addresses) => new() { Id = id, Node = "n1", Interface = $"v{id}", Addresses = addresses };
}
