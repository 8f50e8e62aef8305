namespace MicroSeg.Grains.Nodes;

/// <summary>
/// The identity of the store a silo keeps the cluster's state in: a GUID created once, atomically, with the
/// store (a row of the SQLite file in embedded mode, of the PostgreSQL database in cluster mode), so every silo
/// on one store reports the same one and a lost or replaced store shows as a new one. Node grains send it with
/// every snapshot; agents refuse a state from another identity until an operator accepts it.
/// </summary>
/// <param name="Id">The GUID; <see cref="Guid.Empty"/> for <see cref="Unknown"/>.</param>
public sealed record ClusterIdentity(Guid Id)
{
    /// <summary>No identity (test silos on memory storage): agents then compare entry counts only.</summary>
    public static ClusterIdentity Unknown { get; } = new(Guid.Empty);

    /// <summary>"D" format (hyphens), or empty for <see cref="Unknown"/>.</summary>
    public override string ToString() => Id == Guid.Empty ? "" : Id.ToString("D");
}
