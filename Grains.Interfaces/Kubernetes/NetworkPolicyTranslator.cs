using MicroSeg.Grains.Interfaces.Policies;
using MicroSeg.Grains.Interfaces.Validation;

namespace MicroSeg.Grains.Interfaces.Kubernetes;

/// <summary>
/// Validates a Kubernetes NetworkPolicy and turns it into a namespaced MicroSeg policy with the same
/// meaning: the policy isolates the selected pods for each of its policyTypes (defaulted as the API
/// server does: Ingress, plus Egress when egress rules exist), allows the union of its rules, and a
/// peer's podSelector without namespaceSelector stays in the policy's namespace.
/// </summary>
public static class NetworkPolicyTranslator
{
    /// <summary>The API version accepted.</summary>
    public const string ApiVersion = "networking.k8s.io/v1";

    /// <summary>Id of the MicroSeg policy that stands for a NetworkPolicy.</summary>
    public static string PolicyId(string ns, string name) => $"k8s.{ns}.{name}";

    /// <summary>Translates one document; errors name the field under <paramref name="path"/> (e.g. "documents[0]").</summary>
    public static (PolicySpec? Policy, IReadOnlyList<ValidationError> Errors) Translate(NetworkPolicyDocument doc, string documentJson, string path)
    {
        var errors = new List<ValidationError>();
        var ns = doc.Metadata?.Namespace ?? "default";
        var name = doc.Metadata?.Name ?? "";
        void Add(string field, string? message)
        {
            if (message is not null)
                errors.Add(new ValidationError($"{path}.{field}", $"NetworkPolicy {ns}/{name}: {message}"));
        }

        if (doc.ApiVersion != ApiVersion)
            Add("apiVersion", $"apiVersion '{doc.ApiVersion}' is not supported: use {ApiVersion}.");
        if (doc.Kind != "NetworkPolicy")
            Add("kind", $"kind '{doc.Kind}' is not a NetworkPolicy.");
        Add("metadata.name", NameRules.CheckId(name, "metadata.name"));
        if (ns.Length > 63 || ns.Contains('.'))
            Add("metadata.namespace", "a namespace is a DNS label: at most 63 characters, no '.'.");
        else
            Add("metadata.namespace", NameRules.CheckId(ns, "metadata.namespace"));
        if (doc.Spec is not { } spec)
        {
            Add("spec", "spec is required.");
            return (null, errors);
        }
        if (spec.PodSelector is null)
            Add("spec.podSelector", "podSelector is required ({} selects every pod in the namespace).");
        else
            PolicyValidator.ValidateSelector(spec.PodSelector, "spec.podSelector", Add);

        var types = spec.PolicyTypes is { Count: > 0 } given
            ? given
            : spec.Egress is { Count: > 0 } ? ["Ingress", "Egress"] : (IReadOnlyList<string>)["Ingress"];
        for (var i = 0; i < types.Count; i++)
        {
            if (types[i] is not ("Ingress" or "Egress"))
                Add($"spec.policyTypes[{i}]", $"'{types[i]}' is not a policy type: use Ingress or Egress.");
        }
        if (types.Distinct().Count() != types.Count)
            Add("spec.policyTypes", "lists a type twice.");

        var ingress = Rules(spec.Ingress, "spec.ingress", isIngress: true, Add);
        var egress = Rules(spec.Egress, "spec.egress", isIngress: false, Add);
        if (errors.Count > 0)
            return (null, errors);

        var policy = new PolicySpec
        {
            Id = PolicyId(ns, name),
            Namespace = ns,
            Selector = spec.PodSelector!,
            Ingress = types.Contains("Ingress") ? ingress : null,
            Egress = types.Contains("Egress") ? egress : null,
            Action = PolicyAction.Allow,
            Origin = new KubernetesOrigin(ns, name, documentJson),
        };
        foreach (var e in PolicyValidator.Validate(policy))
            errors.Add(new ValidationError($"{path}.{KubernetesField(e.Field)}", $"NetworkPolicy {ns}/{name}: {e.Message[(e.Message.IndexOf(": ", StringComparison.Ordinal) + 2)..]}"));
        return errors.Count > 0 ? (null, errors) : (policy, errors);
    }

    /// <summary>Names a field of the translated policy as the NetworkPolicy spells it.</summary>
    private static string KubernetesField(string field) => field switch
    {
        "id" => "metadata.name",
        "namespace" => "metadata.namespace",
        _ when field.StartsWith("selector", StringComparison.Ordinal) => "spec.podSelector" + field["selector".Length..],
        _ => "spec." + field.Replace(".cidr", ".ipBlock.cidr", StringComparison.Ordinal)
                .Replace(".except", ".ipBlock.except", StringComparison.Ordinal)
                .Replace(".selector", ".podSelector", StringComparison.Ordinal),
    };

    private static List<PolicyRule> Rules(IReadOnlyList<NetworkPolicyRuleDocument>? rules, string path, bool isIngress, Action<string, string?> add)
    {
        var result = new List<PolicyRule>();
        for (var i = 0; i < (rules?.Count ?? 0); i++)
        {
            var rule = rules![i] ?? new NetworkPolicyRuleDocument();
            var peersName = isIngress ? "from" : "to";
            if ((isIngress ? rule.To : rule.From) is not null)
                add($"{path}[{i}].{(isIngress ? "to" : "from")}", $"{(isIngress ? "ingress" : "egress")} rules name their peers in '{peersName}'.");
            var peers = (isIngress ? rule.From : rule.To) ?? [];
            var translated = new List<PolicyPeer>();
            for (var p = 0; p < peers.Count; p++)
            {
                var peer = peers[p] ?? new NetworkPolicyPeerDocument();
                var at = $"{path}[{i}].{peersName}[{p}]";
                var bySelector = peer.PodSelector is not null || peer.NamespaceSelector is not null;
                if (bySelector && peer.IpBlock is not null)
                    add(at, "ipBlock may not be combined with podSelector or namespaceSelector.");
                else if (!bySelector && peer.IpBlock is null)
                    add(at, "a peer needs podSelector, namespaceSelector or ipBlock.");
                else if (peer.IpBlock is { } block)
                    translated.Add(new PolicyPeer { Cidr = block.Cidr ?? "", Except = block.Except });
                else
                    translated.Add(new PolicyPeer { Selector = peer.PodSelector, NamespaceSelector = peer.NamespaceSelector });
            }
            var ports = (rule.Ports ?? []).Select(port => new PolicyPort
            {
                Protocol = port?.Protocol ?? "TCP",
                Port = port?.Port,
                EndPort = port?.EndPort,
            }).ToList();
            for (var p = 0; p < ports.Count; p++)
            {
                if (!PolicyProtocols.HasPorts(ports[p].Protocol) || ports[p].Protocol != ports[p].Protocol.ToUpperInvariant())
                    add($"{path}[{i}].ports[{p}].protocol", $"protocol '{ports[p].Protocol}' is not one of TCP, UDP, SCTP.");
            }
            result.Add(isIngress
                ? new PolicyRule { From = translated, Ports = ports }
                : new PolicyRule { To = translated, Ports = ports });
        }
        return result;
    }
}
