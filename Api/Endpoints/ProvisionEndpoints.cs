using MicroSeg.Api.Json;
using MicroSeg.Api.Problems;
using MicroSeg.Api.Security;
using MicroSeg.Grains.Interfaces;
using MicroSeg.Grains.Interfaces.Policies;
using MicroSeg.Grains.Interfaces.Provisions;
using MicroSeg.Grains.Interfaces.Recommendations;
using MicroSeg.Grains.Interfaces.Validation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Orleans;

namespace MicroSeg.Api.Endpoints;

/// <summary>Body of POST /api/v1/provisions.</summary>
/// <param name="Policies">Policies to make active, given in full (e.g. a recommendation's drafts, edited).</param>
/// <param name="PolicyIds">Ids of stored policies (typically drafts) to make active.</param>
internal sealed record ProvisionBody(IReadOnlyList<PolicySpec>? Policies, IReadOnlyList<string>? PolicyIds);

/// <summary>/api/v1/provisions: versions of provisioned policy, and the way back.</summary>
internal static class ProvisionEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        var group = api.MapGroup("/provisions").WithTags("Recommendations");
        group.MapPost("/", ProvisionAsync).RequireAuthorization(ApiPolicies.Admin).WithName("Provision")
            .WithSummary("Makes policies active as one new version: edited drafts given in full ('policies'), or draft policies stored under /api/v1/policies named by id ('policyIds').");
        group.MapGet("/", ListAsync).WithName("ListProvisions").WithSummary("Every provisioned version, oldest first: who, when, from what, and each policy before and after.");
        group.MapPost("/{version}/revert", RevertAsync).RequireAuthorization(ApiPolicies.Admin).WithName("RevertProvision")
            .WithSummary("Restores every policy that this version or a later one changed to its state before this version, as one new version.");
    }

    private static async Task<Ok<IReadOnlyList<ProvisionVersion>>> ListAsync(IGrainFactory grains) =>
        TypedResults.Ok(await grains.GetGrain<IProvisionLogGrain>(GrainKeys.Cluster).ListAsync());

    /// <summary>POST /api/v1/provisions: policies given in full, or stored drafts by id.</summary>
    private static async Task<Results<Ok<ProvisionVersion>, ProblemHttpResult>> ProvisionAsync(HttpContext context, IGrainFactory grains, CancellationToken ct)
    {
        var (body, errors) = await RequestBody.ReadAsync<ProvisionBody>(context.Request, ct);
        if (body is null)
            return ApiProblems.Invalid(errors);
        var invalid = new List<ValidationError>();
        if ((body.Policies is null) == (body.PolicyIds is null))
            invalid.Add(new ValidationError(body.Policies is null ? "policies" : "policyIds", "give either 'policies' (a list of policies) or 'policyIds' (ids of stored policies), not both and not neither."));
        var policies = new List<PolicySpec>();
        for (var i = 0; i < (body.Policies?.Count ?? 0); i++)
        {
            if (body.Policies![i] is not { } policy)
                invalid.Add(new ValidationError($"policies[{i}]", "a policy is an object, not null."));
            else
                policies.Add(policy);
        }
        for (var i = 0; i < (body.PolicyIds?.Count ?? 0); i++)
        {
            var id = body.PolicyIds![i];
            var stored = NameRules.CheckId(id, "id") is null ? await grains.GetGrain<IPolicyGrain>(id).GetAsync() : null;
            if (stored is null)
                invalid.Add(new ValidationError($"policyIds[{i}]", $"policy '{id}' does not exist."));
            else
                policies.Add(stored);
        }
        for (var i = 0; i < policies.Count; i++)
        {
            if (policies[i].Id.StartsWith(ImportedPrefix, StringComparison.Ordinal))
                invalid.Add(new ValidationError(body.Policies is null ? $"policyIds[{i}]" : $"policies[{i}].id",
                    $"ids starting '{ImportedPrefix}' are imported NetworkPolicies: change those through /api/v1/networkpolicies."));
        }
        if (invalid.Count > 0)
            return ApiProblems.Invalid(invalid);
        var version = await grains.GetGrain<IProvisionLogGrain>(GrainKeys.Cluster).ProvisionAsync(policies, Actor(context), "policies");
        await AuditAsync(context, grains, version);
        return TypedResults.Ok(version);
    }

    /// <summary>Ids of imported NetworkPolicies start with this.</summary>
    private const string ImportedPrefix = "k8s.";

    /// <summary>POST /api/v1/recommendations/{id}/provision.</summary>
    internal static async Task<Results<Ok<ProvisionVersion>, ProblemHttpResult>> ProvisionRecommendationAsync(string id, HttpContext context, IGrainFactory grains)
    {
        var grain = grains.GetGrain<IRecommendationGrain>(id);
        var recommendation = NameRules.CheckId(id, "id") is null ? await grain.GetAsync() : null;
        if (recommendation is null)
            return ApiProblems.NotFound("recommendation", id);
        if (recommendation.ProvisionedVersion is { } earlier)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Already provisioned.",
                detail: $"recommendation '{id}' was provisioned as version {earlier}; revert that version or ask for a new recommendation.",
                type: "https://microseg.dev/problems/conflict");
        }
        var version = await grains.GetGrain<IProvisionLogGrain>(GrainKeys.Cluster)
            .ProvisionAsync(recommendation.Policies, Actor(context), $"recommendation/{id}");
        await grain.MarkProvisionedAsync(version.Version);
        await AuditAsync(context, grains, version);
        return TypedResults.Ok(version);
    }

    private static async Task<Results<Ok<ProvisionVersion>, ProblemHttpResult>> RevertAsync(string version, HttpContext context, IGrainFactory grains)
    {
        if (!long.TryParse(version, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number) || number < 1)
            return ApiProblems.Invalid([new ValidationError("version", $"'{version}' is not a version number (1, 2, ...).")]);
        var reverted = await grains.GetGrain<IProvisionLogGrain>(GrainKeys.Cluster).RevertAsync(number, Actor(context));
        if (reverted is null)
            return ApiProblems.NotFound("provision version", version);
        await AuditAsync(context, grains, reverted);
        return TypedResults.Ok(reverted);
    }

    private static string Actor(HttpContext context) => context.User.Identity?.Name ?? "anonymous";

    /// <summary>The version itself, then each policy it changed, as the audit log records changes.</summary>
    private static Task AuditAsync(HttpContext context, IGrainFactory grains, ProvisionVersion version) =>
        AuditTrail.RecordAsync(context, grains,
        [
            new AuditedChange("provision", version.Version.ToString(System.Globalization.CultureInfo.InvariantCulture), null,
                new { version.Version, version.Source, policies = version.Changes.Select(c => new { c.PolicyId, c.Kind }) }),
            .. version.Changes.Select(c => new AuditedChange("policy", c.PolicyId, c.Before, c.After)),
        ]);
}
