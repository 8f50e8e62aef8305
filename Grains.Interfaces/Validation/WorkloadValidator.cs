using MicroSeg.Grains.Interfaces.Workloads;

namespace MicroSeg.Grains.Interfaces.Validation;

/// <summary>Checks a workload spec and collects every problem.</summary>
public static class WorkloadValidator
{
    /// <summary>All problems with <paramref name="spec"/>; empty when it is valid.</summary>
    public static IReadOnlyList<ValidationError> Validate(WorkloadSpec spec)
    {
        var errors = new List<ValidationError>();
        void Add(string field, string? message)
        {
            if (message is not null)
                errors.Add(new ValidationError(field, $"workload '{spec.Id}': {message}"));
        }

        Add("id", NameRules.CheckId(spec.Id, "id"));
        Add("node", NameRules.CheckId(spec.Node, "node"));
        Add("namespace", NameRules.CheckId(spec.Namespace, "namespace"));
        if (spec.Interface is not null)
            Add("interface", NameRules.CheckInterface(spec.Interface));

        var addresses = spec.Addresses ?? [];
        Add("addresses", ObjectLimits.Check(addresses.Count, ObjectLimits.Addresses, "addresses"));
        Add("ports", ObjectLimits.Check(spec.Ports?.Count ?? 0, ObjectLimits.NamedPorts, "named ports"));
        var seen = new HashSet<Policies.CidrBlock>();
        for (var i = 0; i < addresses.Count; i++)
        {
            if (!Policies.CidrBlock.TryParseAddress(addresses[i] ?? "", out var address))
                Add($"addresses[{i}]", $"'{addresses[i]}' is not an IPv4 or IPv6 address: give a plain address without prefix length, IPv4 in dotted decimal without leading zeros (e.g. 198.18.0.1).");
            else if (!seen.Add(Policies.CidrBlock.Host(address.ToString())))
                Add($"addresses[{i}]", $"'{addresses[i]}' is listed twice (as written or in another form of the same address).");
        }

        LabelValidator.Validate(spec.Labels, "labels", Add);

        foreach (var (name, value) in spec.Ports ?? new Dictionary<string, string>())
        {
            Add($"ports.{name}", NameRules.CheckPortName(name));
            if (!NamedPort.TryParse(value, out _))
                Add($"ports.{name}", $"port '{name}' has value '{value}': write it as PROTOCOL/PORT, e.g. \"TCP/80\" (TCP, UDP or SCTP; port 1-65535).");
        }

        if (spec.Mode is { } mode && !Enum.IsDefined(mode))
            Add("mode", $"mode '{spec.Mode}' is unknown: use \"monitor\" or \"protect\".");
        return errors;
    }
}

/// <summary>Label map checks shared by workloads and selectors.</summary>
public static class LabelValidator
{
    /// <summary>Reports every invalid key and value of <paramref name="labels"/> under <paramref name="path"/>.</summary>
    public static void Validate(IReadOnlyDictionary<string, string>? labels, string path, Action<string, string?> add)
    {
        add(path, ObjectLimits.Check(labels?.Count ?? 0, ObjectLimits.Labels, "labels"));
        foreach (var (key, value) in labels ?? new Dictionary<string, string>())
        {
            add($"{path}.{key}", NameRules.CheckLabelKey(key));
            add($"{path}.{key}", NameRules.CheckLabelValue(key, value));
        }
    }
}

/// <summary>A named container port's value: protocol and number.</summary>
/// <param name="Protocol">IP protocol number.</param>
/// <param name="Port">Port number.</param>
public readonly record struct NamedPort(byte Protocol, ushort Port)
{
    /// <summary>Parses "TCP/80".</summary>
    public static bool TryParse(string? text, out NamedPort port)
    {
        port = default;
        var parts = (text ?? "").Split('/');
        if (parts.Length != 2 || !Policies.PolicyProtocols.HasPorts(parts[0]) || !Policies.PolicyProtocols.Numbers.TryGetValue(parts[0].ToUpperInvariant(), out var protocol))
            return false;
        if (!ushort.TryParse(parts[1], out var number) || number == 0)
            return false;
        port = new NamedPort(protocol, number);
        return true;
    }
}
