namespace MicroSeg.Grains.Interfaces;

/// <summary>Well-known grain keys, so call sites never spell them as literals.</summary>
public static class GrainKeys
{
    /// <summary>The key of cluster-wide singleton grains (identity allocator, indexes).</summary>
    public const string Cluster = "cluster";
}
