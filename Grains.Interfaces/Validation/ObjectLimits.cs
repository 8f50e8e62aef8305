namespace MicroSeg.Grains.Interfaces.Validation;

/// <summary>
/// How much one object may hold. Each bound is far above real use (a Kubernetes NetworkPolicy rarely has more
/// than a few rules and peers) and keeps one request's cost, a grain's state and a node's map entries bounded.
/// docs/security.md lists them.
/// </summary>
public static class ObjectLimits
{
    /// <summary>Labels of a workload, a namespace, or a selector's matchLabels.</summary>
    public const int Labels = 64;

    /// <summary>Addresses of one workload.</summary>
    public const int Addresses = 64;

    /// <summary>Named ports of one workload.</summary>
    public const int NamedPorts = 64;

    /// <summary>Rules of one policy, per direction.</summary>
    public const int Rules = 256;

    /// <summary>Peers of one rule.</summary>
    public const int Peers = 256;

    /// <summary>Ports of one rule.</summary>
    public const int Ports = 256;

    /// <summary>Except ranges of one cidr peer.</summary>
    public const int Excepts = 64;

    /// <summary>Expressions of one selector, and values of one expression.</summary>
    public const int Expressions = 64;

    /// <summary>Label groups of the enforcement settings.</summary>
    public const int LabelGroups = 256;

    /// <summary>An error naming what has too many items, or null.</summary>
    public static string? Check(int count, int max, string what) =>
        count > max ? $"{count} {what}; at most {max} are allowed." : null;
}
