using MicroSeg.Grains.Audit;
using MicroSeg.Grains.Interfaces.Audit;
using MicroSeg.Grains.Tests.Cluster;
using Orleans.Runtime;

namespace MicroSeg.Grains.Tests.Audit;

/// <summary>
/// A second of the audit log leaves memory once it is past, and what it stored is still read back. Its own silo on
/// its own SQLite file, so that the activations counted are this test's.
/// </summary>
public sealed class AuditLogGrainTests : OwnSqliteCluster<AuditLogGrainTests>
{
    [Fact]
    public async Task PastSecond_DeactivatesOnceIdle_AndItsEntriesAreReadBackFromStorage()
    {
        var now = DateTimeOffset.UtcNow;
        var past = AuditKeys.Slot(now - AuditLogGrain.LateAppends - TimeSpan.FromSeconds(5));
        var current = AuditKeys.Slot(now + TimeSpan.FromMinutes(1));
        var entry = new AuditEntry(now, "tester", "PUT /api/v1/workloads/w1", "workload", "w1", null, "{\"id\":\"w1\"}");
        await Grains.GetGrain<IAuditLogGrain>(past).AppendAsync([entry]);
        await Grains.GetGrain<IAuditLogGrain>(current).AppendAsync([entry with { Id = "w2" }]);

        var management = Grains.GetGrain<IManagementGrain>(0);
        await Wait.UntilAsync(async () => await management.GetActivationAddress(Grains.GetGrain<IAuditLogGrain>(past)) is null,
            TimeSpan.FromSeconds(30), "the past second's grain to deactivate");
        // A second that is not over stays active for its appends.
        Assert.NotNull(await management.GetActivationAddress(Grains.GetGrain<IAuditLogGrain>(current)));

        var read = await Grains.GetGrain<IAuditLogGrain>(past).GetAsync();
        Assert.Equal(["w1"], read.Select(e => e.Id));
    }
}
