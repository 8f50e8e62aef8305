using MicroSeg.Api.Security;
using System.Text.Json.Nodes;
using MicroSeg.Api.Kubernetes;
using MicroSeg.Api.Problems;
using MicroSeg.Grains.Interfaces;
using MicroSeg.Grains.Interfaces.Kubernetes;
using MicroSeg.Grains.Interfaces.Policies;
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
        group.MapPost("/", ApplyAsync).RequireAuthorization(ApiPolicies.Admin).WithName("ApplyNetworkPolicies")
            .WithSummary("Applies NetworkPolicies (YAML or JSON, one or many documents, or a List) as kubectl apply would; all or nothing.")
            .WithDescription("An invalid document anywhere answers 400 naming documents[i] and the field, and changes nothing. A valid body is persisted as one batch before anything is applied; 200 once applied, 202 when it is accepted but still applying after the wait (it completes regardless).");
        group.MapGet("/", ListAsync).WithName("ListNetworkPolicies").WithSummary("Lists every imported NetworkPolicy.");
        group.MapGet("/{namespace}", ListAsync).WithName("ListNamespaceNetworkPolicies").WithSummary("Lists the NetworkPolicies of one namespace.");
        group.MapGet("/{namespace}/{name}", GetAsync).WithName("GetNetworkPolicy").WithSummary("Reads one NetworkPolicy as applied.");
        group.MapPut("/{namespace}/{name}", PutAsync).RequireAuthorization(ApiPolicies.Admin).WithName("PutNetworkPolicy").WithSummary("Creates or replaces one NetworkPolicy.");
        group.MapDelete("/{namespace}/{name}", DeleteAsync).RequireAuthorization(ApiPolicies.Admin).WithName("DeleteNetworkPolicy").WithSummary("Removes one NetworkPolicy.");
    }

    private static async Task<Results<Ok<AppliedNetworkPolicy[]>, Accepted<AppliedNetworkPolicy[]>, ProblemHttpResult>> ApplyAsync(
        HttpContext context, IGrainFactory grains, TimeProvider time, CancellationToken ct)
    {
        var (policies, errors) = NetworkPolicyImport.Translate(await new StreamReader(context.Request.Body).ReadToEndAsync(ct), null);
        if (errors.Count > 0)
            return ApiProblems.Invalid(errors);
        var existed = await PolicyBatchSubmitter.FindExistingAsync(grains, policies);
        var before = (await Task.WhenAll(existed.Select(id => grains.GetGrain<IPolicyGrain>(id).GetAsync())))
            .OfType<PolicySpec>().ToDictionary(p => p.Id, StringComparer.Ordinal);
        // From here the request token only bounds the wait for the apply: an accepted batch is never abandoned.
        var batch = await PolicyBatchSubmitter.SubmitAsync(grains, policies, existed, time, ct);
        await AuditTrail.RecordAsync(context, grains, policies.Select(p => new AuditedChange("networkpolicy", p.Id, Document(before.GetValueOrDefault(p.Id)), Document(p))).ToList());
        var applied = policies.Select(p => Applied(p, batch.Existed.Contains(p.Id))).ToArray();
        if (batch.Applied)
            return TypedResults.Ok(applied);
        return TypedResults.Accepted((string?)null, applied);
    }

    private static async Task<Results<Ok<AppliedNetworkPolicy[]>, ProblemHttpResult>> PutAsync(string @namespace, string name, HttpContext context, IGrainFactory grains, CancellationToken ct)
    {
        var (policies, errors) = NetworkPolicyImport.Translate(await new StreamReader(context.Request.Body).ReadToEndAsync(ct), (@namespace, name));
        if (errors.Count > 0)
            return ApiProblems.Invalid(errors);
        // One document: the policy grain's single write is already all or nothing.
        var policy = policies[0];
        var grain = grains.GetGrain<IPolicyGrain>(policy.Id);
        var before = await grain.GetAsync();
        await grain.SetAsync(policy);
        await AuditTrail.RecordAsync(context, grains, "networkpolicy", policy.Id, Document(before), Document(policy));
        return TypedResults.Ok(new[] { Applied(policy, before is not null) });
    }

    private static AppliedNetworkPolicy Applied(PolicySpec policy, bool existed) =>
        new(policy.Origin!.Namespace, policy.Origin.Name, policy.Id, existed ? "configured" : "created");

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

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string @namespace, string name, HttpContext context, IGrainFactory grains)
    {
        var grain = grains.GetGrain<IPolicyGrain>(NetworkPolicyTranslator.PolicyId(@namespace, name));
        var before = await grain.GetAsync();
        if (before?.Origin is null || !await grain.DeleteAsync())
            return ApiProblems.NotFound("NetworkPolicy", $"{@namespace}/{name}");
        await AuditTrail.RecordAsync(context, grains, "networkpolicy", before.Id, Document(before), after: null);
        return TypedResults.NoContent();
    }

    /// <summary>A NetworkPolicy as its user wrote it (the audit log's before/after).</summary>
    private static JsonNode? Document(PolicySpec? policy) => policy?.Origin is { } origin ? JsonNode.Parse(origin.Document) : null;
}
