using System.Text.Json;
using System.Text.Json.Nodes;
using MicroSeg.Api.Json;
using MicroSeg.Grains.Interfaces.Kubernetes;
using MicroSeg.Grains.Interfaces.Policies;
using MicroSeg.Grains.Interfaces.Validation;

namespace MicroSeg.Api.Kubernetes;

/// <summary>
/// Turns a request body of NetworkPolicies into MicroSeg policies, collecting every error of every document
/// (each named <c>documents[i].field</c>) before anything is written.
/// </summary>
internal static class NetworkPolicyImport
{
    /// <param name="text">The body: YAML or JSON, one or many documents, or a List.</param>
    /// <param name="target">For a PUT: the namespace and name the URL gives, which the one document must match.</param>
    public static (IReadOnlyList<PolicySpec> Policies, IReadOnlyList<ValidationError> Errors) Translate(string text, (string Namespace, string Name)? target)
    {
        var (objects, errors) = ManifestReader.Read(text);
        if (errors.Count > 0)
            return ([], errors);
        if (target is not null && objects.Count != 1)
            return ([], [new ValidationError("body", $"PUT takes exactly one NetworkPolicy; this body has {objects.Count}.")]);

        var problems = new List<ValidationError>();
        var policies = new List<PolicySpec>(objects.Count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < objects.Count; i++)
        {
            var path = $"documents[{i}]";
            var metadata = objects[i]["metadata"] as JsonObject;
            if (metadata is not null && target is { } t)
            {
                metadata["namespace"] ??= t.Namespace;
                metadata["name"] ??= t.Name;
            }
            if (metadata is not null)
                metadata["namespace"] ??= "default";
            NetworkPolicyDocument? doc;
            try
            {
                doc = objects[i].Deserialize<NetworkPolicyDocument>(ApiJson.Options);
            }
            catch (JsonException ex)
            {
                problems.Add(new ValidationError($"{path}.{ex.Path?.TrimStart('$', '.')}", ex.Message.Split(" Path:")[0]));
                continue;
            }
            var (policy, invalid) = NetworkPolicyTranslator.Translate(doc!, objects[i].ToJsonString(), path);
            problems.AddRange(invalid);
            if (policy is null)
                continue;
            if (target is { } expected && (policy.Origin!.Namespace, policy.Origin.Name) != expected)
                problems.Add(new ValidationError($"{path}.metadata", $"the document is {policy.Origin.Namespace}/{policy.Origin.Name} but the URL names {expected.Namespace}/{expected.Name}."));
            if (!seen.Add(policy.Id))
                problems.Add(new ValidationError($"{path}.metadata.name", $"NetworkPolicy {policy.Origin!.Namespace}/{policy.Origin.Name} appears twice in this request."));
            policies.Add(policy);
        }
        return problems.Count > 0 ? ([], problems) : (policies, []);
    }
}
