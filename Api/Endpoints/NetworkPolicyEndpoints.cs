using System.Text.Json;
using System.Text.Json.Nodes;
using MicroSeg.Api.Json;
using MicroSeg.Api.Kubernetes;
using MicroSeg.Api.Problems;
using MicroSeg.Grains.Interfaces;
using MicroSeg.Grains.Interfaces.Kubernetes;
using MicroSeg.Grains.Interfaces.Policies;
using MicroSeg.Grains.Interfaces.Validation;
using Orleans;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace MicroSeg.Api.Endpoints;

/// <summary>What applying one NetworkPolicy did.</summary>
/// <param name="Namespace">metadata.namespace.</param>
/// <param name="Name">metadata.name.</param>
/// <param name="PolicyId">The MicroSeg policy that enforces it.</param>
/// <param name="Result">created or configured, as kubectl says.</param>
public sealed record AppliedNetworkPolicy(string Namespace, string Name, string PolicyId, string Result);

/// <summary>/api/v1/networkpolicies: Kubernetes NetworkPolicy import (YAML or JSON, one or many), with upstream semantics.</summary>
internal static class NetworkPolicyEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        var group = api.MapGroup("/networkpolicies").WithTags("NetworkPolicies");
        group.MapPost("/", ApplyAsync).WithName("ApplyNetworkPolicies")
            .WithSummary("Applies NetworkPolicies (YAML or JSON, one or many documents, or a List) as kubectl apply would; all or nothing.");
        group.MapGet("/", ListAsync).WithName("ListNetworkPolicies").WithSummary("Lists every imported NetworkPolicy.");
        group.MapGet("/{namespace}", ListAsync).WithName("ListNamespaceNetworkPolicies").WithSummary("Lists the NetworkPolicies of one namespace.");
        group.MapGet("/{namespace}/{name}", GetAsync).WithName("GetNetworkPolicy").WithSummary("Reads one NetworkPolicy as applied.");
        group.MapPut("/{namespace}/{name}", PutAsync).WithName("PutNetworkPolicy").WithSummary("Creates or replaces one NetworkPolicy.");
        group.MapDelete("/{namespace}/{name}", DeleteAsync).WithName("DeleteNetworkPolicy").WithSummary("Removes one NetworkPolicy.");
    }

    private static async Task<Results<Ok<AppliedNetworkPolicy[]>, ProblemHttpResult>> ApplyAsync(HttpRequest request, IGrainFactory grains, CancellationToken ct) =>
        await ApplyTextAsync(await new StreamReader(request.Body).ReadToEndAsync(ct), grains, null);

    private static async Task<Results<Ok<AppliedNetworkPolicy[]>, ProblemHttpResult>> PutAsync(string @namespace, string name, HttpRequest request, IGrainFactory grains, CancellationToken ct) =>
        await ApplyTextAsync(await new StreamReader(request.Body).ReadToEndAsync(ct), grains, (@namespace, name));

    private static async Task<Results<Ok<AppliedNetworkPolicy[]>, ProblemHttpResult>> ApplyTextAsync(string text, IGrainFactory grains, (string Namespace, string Name)? target)
    {
        var (objects, errors) = ManifestReader.Read(text);
        if (errors.Count > 0)
            return ApiProblems.Invalid(errors);
        if (target is not null && objects.Count != 1)
            return ApiProblems.Invalid([new ValidationError("body", $"PUT takes exactly one NetworkPolicy; this body has {objects.Count}.")]);

        var problems = new List<ValidationError>();
        var policies = new List<PolicySpec>();
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
            if (policies.Any(p => p.Id == policy.Id))
                problems.Add(new ValidationError($"{path}.metadata.name", $"NetworkPolicy {policy.Origin!.Namespace}/{policy.Origin.Name} appears twice in this request."));
            policies.Add(policy);
        }
        if (problems.Count > 0)
            return ApiProblems.Invalid(problems);

        var applied = new List<AppliedNetworkPolicy>();
        foreach (var policy in policies)
        {
            var grain = grains.GetGrain<IPolicyGrain>(policy.Id);
            var existed = await grain.GetAsync() is not null;
            await grain.SetAsync(policy);
            applied.Add(new AppliedNetworkPolicy(policy.Origin!.Namespace, policy.Origin.Name, policy.Id, existed ? "configured" : "created"));
        }
        return TypedResults.Ok(applied.ToArray());
    }

    private static async Task<Ok<JsonNode[]>> ListAsync(string? @namespace, IGrainFactory grains)
    {
        var all = await grains.GetGrain<IPolicyIndexGrain>(GrainKeys.Cluster).GetAllAsync();
        return TypedResults.Ok(all
            .Where(p => p.Origin is not null && (@namespace is null || p.Origin.Namespace == @namespace))
            .Select(p => JsonNode.Parse(p.Origin!.Document)!)
            .ToArray());
    }

    private static async Task<Results<Ok<JsonNode>, ProblemHttpResult>> GetAsync(string @namespace, string name, IGrainFactory grains)
    {
        var policy = await grains.GetGrain<IPolicyGrain>(NetworkPolicyTranslator.PolicyId(@namespace, name)).GetAsync();
        return policy?.Origin is { } origin
            ? TypedResults.Ok(JsonNode.Parse(origin.Document)!)
            : ApiProblems.NotFound("NetworkPolicy", $"{@namespace}/{name}");
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string @namespace, string name, IGrainFactory grains)
    {
        var grain = grains.GetGrain<IPolicyGrain>(NetworkPolicyTranslator.PolicyId(@namespace, name));
        return (await grain.GetAsync())?.Origin is not null && await grain.DeleteAsync()
            ? TypedResults.NoContent()
            : ApiProblems.NotFound("NetworkPolicy", $"{@namespace}/{name}");
    }
}
