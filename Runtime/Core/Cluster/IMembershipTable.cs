namespace MicroSeg.Runtime.Cluster;

/// <summary>
/// The shared membership table of one cluster (Orleans <c>IMembershipTable</c>, reduced to what the
/// timeout rule needs). Time comparisons use the table's own clock, so silo clocks need not agree.
/// </summary>
internal interface IMembershipTable
{
    /// <summary>Inserts this silo as Joining, and declares Dead older generations on the same endpoint (a restarted silo).</summary>
    Task RegisterAsync(MembershipEntry entry, CancellationToken cancellationToken);

    /// <summary>Sets this silo's status and heartbeat; false when the table already says Dead (then it stays Dead).</summary>
    Task<bool> SetStatusAsync(SiloAddress silo, SiloStatus status, CancellationToken cancellationToken);

    /// <summary>Writes this silo's heartbeat; false when the table says Dead.</summary>
    Task<bool> HeartbeatAsync(SiloAddress silo, CancellationToken cancellationToken);

    /// <summary>Declares Dead every live member whose heartbeat is older than <paramref name="deathTimeout"/>; returns them.</summary>
    Task<IReadOnlyList<SiloAddress>> DeclareDeadAsync(TimeSpan deathTimeout, CancellationToken cancellationToken);

    /// <summary>Every member not Dead.</summary>
    Task<IReadOnlyList<MembershipEntry>> ReadLiveAsync(CancellationToken cancellationToken);
}
