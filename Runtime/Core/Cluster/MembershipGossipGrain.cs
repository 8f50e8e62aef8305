using MicroSeg.Runtime.Activation;

namespace MicroSeg.Runtime.Cluster;

/// <summary>
/// The membership gossip endpoint of each silo (a system target, addressed to a chosen silo by its address;
/// Orleans' <c>IMembershipService</c> gossip). A silo calls it on its peers when a silo's row in the
/// membership table changed, so they re-read the table now instead of at their next refresh.
/// </summary>
internal interface IMembershipGossipGrain : IGrainWithStringKey
{
    /// <summary>
    /// Silo <paramref name="silo"/> now has <paramref name="status"/> in the table: re-read it; when the silo
    /// became Active, also hand over the grains it now owns before answering (its readiness waits for this).
    /// </summary>
    Task SiloStatusChangedAsync(string silo, SiloStatus status);
}

/// <summary>Answers <see cref="IMembershipGossipGrain"/> through the hosting silo's <see cref="MembershipService"/>.</summary>
[Reentrant]
[SystemTarget]
internal sealed class MembershipGossipGrain(MembershipService membership) : Grain, IMembershipGossipGrain
{
    public Task SiloStatusChangedAsync(string silo, SiloStatus status) => membership.OnGossipAsync(silo, status);
}
