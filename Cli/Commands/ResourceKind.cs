namespace MicroSeg.Cli.Commands;

/// <summary>One kind of object the API serves: its URL, the key field, and the table columns (header, JSON property).</summary>
internal sealed record ResourceKind(string Plural, string Singular, string Short, string Path, string Key, (string Header, string Property)[] Columns)
{
    public static readonly ResourceKind Workloads = new("workloads", "workload", "wl", "api/v1/workloads", "id",
        [("ID", "id"), ("NAMESPACE", "namespace"), ("NODE", "node"), ("INTERFACE", "interface"), ("ADDRESSES", "addresses"), ("LABELS", "labels"), ("MODE", "mode")]);

    public static readonly ResourceKind Policies = new("policies", "policy", "pol", "api/v1/policies", "id",
        [("ID", "id"), ("NAMESPACE", "namespace"), ("SELECTOR", "selector"), ("ACTION", "action"), ("PRIORITY", "priority"), ("INGRESS", "ingress"), ("EGRESS", "egress")]);

    public static readonly ResourceKind Namespaces = new("namespaces", "namespace", "ns", "api/v1/namespaces", "name",
        [("NAME", "name"), ("LABELS", "labels")]);

    public static readonly ResourceKind Nodes = new("nodes", "node", "no", "api/v1/nodes", "name",
        [("NAME", "name"), ("AGENT", "agentConnected"), ("REVISION", "revision"), ("APPLIED", "appliedRevision"), ("LAST SEEN", "lastSeen"), ("ENDPOINTS", "endpoints"), ("ENTRIES", "policyEntries")]);

    public static readonly ResourceKind[] All = [Workloads, Policies, Namespaces, Nodes];

    /// <summary>Finds a kind by plural, singular or short name (wl, pol, ns, no), as kubectl accepts them.</summary>
    public static ResourceKind? Find(string name) => All.FirstOrDefault(k => k.Names.Contains(name, StringComparer.OrdinalIgnoreCase));

    /// <summary>Every name the command line accepts for this kind.</summary>
    public string[] Names => [Plural, Singular, Short];

    public string ItemPath(string name) => $"{Path}/{Uri.EscapeDataString(name)}";
}
