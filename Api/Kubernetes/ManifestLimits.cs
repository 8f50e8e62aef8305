namespace MicroSeg.Api.Kubernetes;

/// <summary>What one NetworkPolicy request may hold. Bodies beyond these answer 400 before anything is built from them.</summary>
internal static class ManifestLimits
{
    /// <summary>Nesting depth of mappings and sequences (a NetworkPolicy needs about 8).</summary>
    public const int MaxDepth = 64;

    /// <summary>Documents (and List items) in one request.</summary>
    public const int MaxDocuments = 50_000;

    /// <summary>Nodes that aliases may add by copying anchored nodes, in one request.</summary>
    public const long MaxAliasNodes = 10_000;
}
