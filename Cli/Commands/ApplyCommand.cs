using System.CommandLine;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using MicroSeg.Cli.Connection;
using MicroSeg.Cli.Manifests;

namespace MicroSeg.Cli.Commands;

/// <summary>
/// apply -f FILE: creates or replaces what a YAML or JSON file describes, as kubectl apply does. MicroSeg
/// objects (kind Namespace, Workload, Policy: the API's body plus a kind) are PUT in file order; every
/// Kubernetes NetworkPolicy goes to the import endpoint as one all-or-nothing batch after them.
/// </summary>
internal static partial class ApplyCommand
{
    private static readonly Dictionary<string, ResourceKind> MicroSegKinds = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Namespace"] = ResourceKind.Namespaces,
        ["Workload"] = ResourceKind.Workloads,
        ["Policy"] = ResourceKind.Policies,
    };

    public static Command Create(GlobalOptions options, CliEnvironment env)
    {
        var file = new Option<FileInfo>("--filename", "-f") { Description = "YAML or JSON file (multi-document YAML and Lists accepted)", Required = true };
        var command = new Command("apply", "Creates or replaces the objects of a file: MicroSeg namespaces, workloads and policies, and Kubernetes NetworkPolicies.") { file };
        command.SetAction((parse, ct) => options.RunAsync(parse, env, async (client, _) =>
        {
            var path = parse.GetValue(file)!.FullName;
            if (!File.Exists(path))
                throw new CliException($"--filename: {path} does not exist.");
            var documents = ManifestFile.Read(path, await File.ReadAllTextAsync(path, ct));
            var plan = Plan(documents);
            foreach (var (index, kind, id, body) in plan.Objects)
                await env.Out.WriteLineAsync(await PutAsync(client, index, kind, id, body, ct));
            if (plan.NetworkPolicies.Count > 0)
                foreach (var line in await ImportAsync(client, plan.NetworkPolicies, ct))
                    await env.Out.WriteLineAsync(line);
            return 0;
        }));
        return command;
    }

    private sealed record ApplyPlan(List<(int Index, ResourceKind Kind, string Id, JsonObject Body)> Objects, List<(int Index, JsonObject Document)> NetworkPolicies);

    /// <summary>Checks every document's kind and name before anything is sent, so a bad file changes nothing.</summary>
    private static ApplyPlan Plan(IReadOnlyList<JsonObject> documents)
    {
        var plan = new ApplyPlan([], []);
        for (var i = 0; i < documents.Count; i++)
        {
            var doc = documents[i];
            var kind = doc["kind"] is JsonValue k ? k.ToString() : null;
            if (kind == "NetworkPolicy")
            {
                plan.NetworkPolicies.Add((i, doc));
                continue;
            }
            if (kind is null || !MicroSegKinds.TryGetValue(kind, out var resource))
                throw new CliException($"documents[{i}].kind: '{kind}' is not one of Namespace, Workload, Policy or NetworkPolicy.");
            var body = (JsonObject)doc.DeepClone();
            body.Remove("kind");
            body.Remove("apiVersion");
            if (body[resource.Key] is not JsonValue idValue || idValue.ToString() is not { Length: > 0 } id)
                throw new CliException($"documents[{i}].{resource.Key}: a {kind} needs its {resource.Key}.");
            plan.Objects.Add((i, resource, id, body));
        }
        return plan;
    }

    private static async Task<string> PutAsync(ApiClient client, int index, ResourceKind kind, string id, JsonObject body, CancellationToken ct)
    {
        var existed = true;
        try
        {
            await client.GetAsync(kind.ItemPath(id), ct);
        }
        catch (ApiProblemException ex) when (ex.Status == HttpStatusCode.NotFound)
        {
            existed = false;
        }
        try
        {
            await client.PutJsonAsync(kind.ItemPath(id), body, ct);
        }
        catch (ApiProblemException ex)
        {
            throw ex.Renamed($"documents[{index}] ({kind.Singular}/{id})", field => $"documents[{index}].{field}");
        }
        return $"{kind.Singular}/{id} {(existed ? "configured" : "created")}";
    }

    private static async Task<IEnumerable<string>> ImportAsync(ApiClient client, List<(int Index, JsonObject Document)> policies, CancellationToken ct)
    {
        var list = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "List",
            ["items"] = new JsonArray(policies.Select(p => (JsonNode)p.Document.DeepClone()).ToArray()),
        };
        JsonNode? applied;
        try
        {
            applied = await client.PostJsonAsync("api/v1/networkpolicies", list, ct);
        }
        catch (ApiProblemException ex)
        {
            // The API counts documents within the batch; say which document of the file each one is.
            throw ex.Renamed("NetworkPolicies (none applied)", field => BatchIndex().Replace(field,
                m => int.TryParse(m.Groups[1].Value, out var k) && k < policies.Count ? $"documents[{policies[k].Index}]" : m.Value));
        }
        return (applied as JsonArray ?? []).OfType<JsonObject>()
            .Select(a => $"networkpolicy/{a["namespace"]}/{a["name"]} {a["result"]}");
    }

    [GeneratedRegex(@"^documents\[(\d+)\]")]
    private static partial Regex BatchIndex();
}
