namespace MicroSeg.Grains.Interfaces.Policies;

/// <summary>The set-based selector operators, spelled as Kubernetes spells them.</summary>
public static class SelectorOperators
{
    /// <summary>The label is present and its value is one of the values.</summary>
    public const string In = "In";

    /// <summary>The label is absent or its value is none of the values.</summary>
    public const string NotIn = "NotIn";

    /// <summary>The label is present.</summary>
    public const string Exists = "Exists";

    /// <summary>The label is absent.</summary>
    public const string DoesNotExist = "DoesNotExist";

    /// <summary>All operators.</summary>
    public static readonly IReadOnlyList<string> All = [In, NotIn, Exists, DoesNotExist];
}

/// <summary>Protocols a policy port may name, with their IP protocol numbers.</summary>
public static class PolicyProtocols
{
    /// <summary>Name (upper case) to IP protocol number.</summary>
    public static readonly IReadOnlyDictionary<string, byte> Numbers = new Dictionary<string, byte>
    {
        ["TCP"] = 6,
        ["UDP"] = 17,
        ["SCTP"] = 132,
        ["ICMP"] = 1,
        ["ICMPV6"] = 58,
    };

    /// <summary>Protocols whose rules may name ports.</summary>
    public static bool HasPorts(string protocol) => protocol.ToUpperInvariant() is "TCP" or "UDP" or "SCTP";

    /// <summary>Name of the well-known namespace label every namespace carries.</summary>
    public const string NamespaceNameLabel = "kubernetes.io/metadata.name";
}
