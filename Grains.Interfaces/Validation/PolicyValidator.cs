using MicroSeg.Grains.Interfaces.Policies;

namespace MicroSeg.Grains.Interfaces.Validation;

/// <summary>Checks a native policy and collects every problem.</summary>
public static class PolicyValidator
{
    /// <summary>All problems with <paramref name="spec"/>; empty when it is valid.</summary>
    public static IReadOnlyList<ValidationError> Validate(PolicySpec spec)
    {
        var errors = new List<ValidationError>();
        void Add(string field, string? message)
        {
            if (message is not null)
                errors.Add(new ValidationError(field, $"policy '{spec.Id}': {message}"));
        }

        Add("id", NameRules.CheckId(spec.Id, "id"));
        if (spec.Namespace is not null)
            Add("namespace", NameRules.CheckId(spec.Namespace, "namespace"));
        if (spec.Selector is null)
            Add("selector", "selector is required ({} selects every workload).");
        else
            ValidateSelector(spec.Selector, "selector", Add);
        if (!Enum.IsDefined(spec.Action))
            Add("action", "action must be \"allow\" or \"deny\".");
        if (spec.Ingress is null && spec.Egress is null)
            Add("ingress", "a policy needs an ingress or an egress list (an empty list isolates that direction).");

        ValidateRules(spec.Ingress, "ingress", isIngress: true, Add);
        ValidateRules(spec.Egress, "egress", isIngress: false, Add);
        return errors;
    }

    /// <summary>Reports every problem of a label selector under <paramref name="path"/>.</summary>
    public static void ValidateSelector(LabelSelector selector, string path, Action<string, string?> add)
    {
        LabelValidator.Validate(selector.MatchLabels, $"{path}.matchLabels", add);
        var expressions = selector.MatchExpressions ?? [];
        add($"{path}.matchExpressions", ObjectLimits.Check(expressions.Count, ObjectLimits.Expressions, "expressions"));
        for (var i = 0; i < expressions.Count; i++)
        {
            var e = expressions[i];
            var at = $"{path}.matchExpressions[{i}]";
            if (e is null)
            {
                add(at, "expression is null.");
                continue;
            }
            add($"{at}.key", NameRules.CheckLabelKey(e.Key ?? ""));
            if (!SelectorOperators.All.Contains(e.Operator))
            {
                add($"{at}.operator", $"operator '{e.Operator}' is unknown: use In, NotIn, Exists or DoesNotExist.");
                continue;
            }
            var values = e.Values ?? [];
            add($"{at}.values", ObjectLimits.Check(values.Count, ObjectLimits.Expressions, "values"));
            var needsValues = e.Operator is SelectorOperators.In or SelectorOperators.NotIn;
            if (needsValues && values.Count == 0)
                add($"{at}.values", $"operator {e.Operator} needs at least one value.");
            if (!needsValues && values.Count > 0)
                add($"{at}.values", $"operator {e.Operator} takes no values.");
        }
    }

    private static void ValidateRules(IReadOnlyList<PolicyRule>? rules, string path, bool isIngress, Action<string, string?> add)
    {
        add(path, ObjectLimits.Check(rules?.Count ?? 0, ObjectLimits.Rules, "rules"));
        for (var i = 0; i < (rules?.Count ?? 0); i++)
        {
            var rule = rules![i];
            var at = $"{path}[{i}]";
            if (rule is null)
            {
                add(at, "rule is null.");
                continue;
            }
            var (peersName, peers, wrongName, wrong) = isIngress
                ? ("from", rule.From, "to", rule.To)
                : ("to", rule.To, "from", rule.From);
            if (wrong is not null)
                add($"{at}.{wrongName}", $"{path} rules name their peers in '{peersName}', not '{wrongName}'.");
            add($"{at}.{peersName}", ObjectLimits.Check(peers?.Count ?? 0, ObjectLimits.Peers, "peers"));
            add($"{at}.ports", ObjectLimits.Check(rule.Ports?.Count ?? 0, ObjectLimits.Ports, "ports"));
            for (var p = 0; p < (peers?.Count ?? 0); p++)
                ValidatePeer(peers![p], $"{at}.{peersName}[{p}]", add);
            for (var p = 0; p < (rule.Ports?.Count ?? 0); p++)
                ValidatePort(rule.Ports![p], $"{at}.ports[{p}]", add);
        }
    }

    private static void ValidatePeer(PolicyPeer peer, string at, Action<string, string?> add)
    {
        if (peer is null)
        {
            add(at, "peer is null.");
            return;
        }
        var bySelector = peer.Selector is not null || peer.NamespaceSelector is not null;
        if (bySelector == (peer.Cidr is not null))
        {
            add(at, "a peer has either 'selector' and/or 'namespaceSelector', or 'cidr' (with optional 'except').");
            return;
        }
        if (bySelector)
        {
            if (peer.Selector is not null)
                ValidateSelector(peer.Selector, $"{at}.selector", add);
            if (peer.NamespaceSelector is not null)
                ValidateSelector(peer.NamespaceSelector, $"{at}.namespaceSelector", add);
            if (peer.Except is not null)
                add($"{at}.except", "'except' belongs to a 'cidr' peer.");
            return;
        }
        if (!peer.Cidr!.Contains('/') || !CidrBlock.TryParse(peer.Cidr, out var block))
        {
            add($"{at}.cidr", $"'{peer.Cidr}' is not a CIDR block such as 198.18.9.0/24 or fd00:198:18::/64 (IPv4 in dotted decimal without leading zeros).");
            return;
        }
        var except = peer.Except ?? [];
        add($"{at}.except", ObjectLimits.Check(except.Count, ObjectLimits.Excepts, "except ranges"));
        for (var i = 0; i < except.Count; i++)
        {
            if (!(except[i] ?? "").Contains('/') || !CidrBlock.TryParse(except[i] ?? "", out var inner))
                add($"{at}.except[{i}]", $"'{except[i]}' is not a CIDR block such as 198.18.9.128/25 (IPv4 in dotted decimal without leading zeros).");
            else if (!block.Value.Contains(inner.Value) || inner.Value.PrefixLength == block.Value.PrefixLength)
                add($"{at}.except[{i}]", $"'{except[i]}' must be a strict subset of cidr '{peer.Cidr}'.");
        }
    }

    private static void ValidatePort(PolicyPort port, string at, Action<string, string?> add)
    {
        if (port is null)
        {
            add(at, "port is null.");
            return;
        }
        var protocol = port.Protocol ?? "";
        if (!PolicyProtocols.Numbers.ContainsKey(protocol.ToUpperInvariant()))
        {
            add($"{at}.protocol", $"protocol '{port.Protocol}' is not supported: use TCP, UDP, SCTP, ICMP or ICMPv6.");
            return;
        }
        if (!PolicyProtocols.HasPorts(protocol) && (port.Port is not null || port.EndPort is not null))
            add($"{at}.port", $"{protocol} has no ports: leave 'port' and 'endPort' out.");
        if (port.Port is { Number: { } p } && p is < 1 or > 65535)
            add($"{at}.port", $"port {p} is out of range 1-65535.");
        if (port.Port is { Name: { } name })
            add($"{at}.port", NameRules.CheckPortName(name));
        if (port.EndPort is { } end)
        {
            if (port.Port?.Number is not { } start)
                add($"{at}.endPort", "endPort needs a numeric port to start the range.");
            else if (end < start || end > 65535)
                add($"{at}.endPort", $"endPort {end} must be between port {start} and 65535.");
        }
    }
}
