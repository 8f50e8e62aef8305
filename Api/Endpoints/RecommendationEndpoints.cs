using MicroSeg.Api.Json;
using MicroSeg.Api.Problems;
using MicroSeg.Api.Security;
using MicroSeg.Grains.Interfaces.Recommendations;
using MicroSeg.Grains.Interfaces.Validation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Orleans;

namespace MicroSeg.Api.Endpoints;

/// <summary>Body of POST /api/v1/recommendations.</summary>
/// <param name="Namespace">Only this namespace's workloads get policies; all namespaces when left out.</param>
/// <param name="Since">Learn from flows last seen at or after (RFC 3339).</param>
/// <param name="Until">Learn from flows first seen before (RFC 3339).</param>
/// <param name="LabelKeys">Label keys that group workloads; by default each workload's service label (app, app.kubernetes.io/name, k8s-app or name, the first it has).</param>
internal sealed record RecommendationBody(string? Namespace, DateTimeOffset? Since, DateTimeOffset? Until, IReadOnlyList<string>? LabelKeys);

/// <summary>/api/v1/recommendations: least-privilege policies proposed from the flow history, as drafts.</summary>
internal static class RecommendationEndpoints
{
    /// <summary>Most grouping keys a request may name.</summary>
    private const int MaxLabelKeys = 8;

    public static void Map(RouteGroupBuilder api)
    {
        var group = api.MapGroup("/recommendations").WithTags("Recommendations");
        group.MapPost("/", CreateAsync).RequireAuthorization(ApiPolicies.Operator).WithName("CreateRecommendation")
            .WithSummary("Proposes one least-privilege allow policy per workload group from the flows of a window; the policies are drafts until provisioned.");
        group.MapGet("/{id}", GetAsync).WithName("GetRecommendation").WithSummary("Reads a recommendation.");
        group.MapPost("/{id}/provision", ProvisionEndpoints.ProvisionRecommendationAsync).RequireAuthorization(ApiPolicies.Admin)
            .WithName("ProvisionRecommendation").WithSummary("Makes the recommendation's policies active as one new provision version.");
    }

    private static async Task<Results<Created<Recommendation>, ProblemHttpResult>> CreateAsync(HttpContext context, IGrainFactory grains, CancellationToken ct)
    {
        var (body, errors) = await RequestBody.ReadAsync<RecommendationBody>(context.Request, ct);
        if (body is null)
            return ApiProblems.Invalid(errors);
        var invalid = Validate(body);
        if (invalid.Count > 0)
            return ApiProblems.Invalid(invalid);
        var id = $"r-{Guid.NewGuid():N}";
        var request = new RecommendationRequest(body.Namespace, body.Since, body.Until,
            body.LabelKeys is { Count: > 0 } keys ? keys.Distinct(StringComparer.Ordinal).ToList() : null);
        var recommendation = await grains.GetGrain<IRecommendationGrain>(id).CreateAsync(request, context.User.Identity?.Name ?? "anonymous");
        await AuditTrail.RecordAsync(context, grains, "recommendation", id, before: null,
            after: new { recommendation.Request, policies = recommendation.Policies.Select(p => p.Id), recommendation.Coverage, recommendation.Status });
        return TypedResults.Created($"/api/v1/recommendations/{id}", recommendation);
    }

    private static List<ValidationError> Validate(RecommendationBody body)
    {
        var errors = new List<ValidationError>();
        if (body.Namespace is not null && NameRules.CheckId(body.Namespace, "namespace") is { } ns)
            errors.Add(new ValidationError("namespace", ns));
        if (body.Since is { } since && body.Until is { } until && since >= until)
            errors.Add(new ValidationError("until", $"until ({until:O}) must be after since ({since:O})."));
        if (body.LabelKeys is { } keys)
        {
            if (keys.Count > MaxLabelKeys)
                errors.Add(new ValidationError("labelKeys", $"at most {MaxLabelKeys} label keys, not {keys.Count}."));
            for (var i = 0; i < keys.Count; i++)
            {
                if (NameRules.CheckLabelKey(keys[i] ?? "") is { } bad)
                    errors.Add(new ValidationError($"labelKeys[{i}]", bad));
            }
        }
        return errors;
    }

    private static async Task<Results<Ok<Recommendation>, ProblemHttpResult>> GetAsync(string id, IGrainFactory grains)
    {
        if (NameRules.CheckId(id, "id") is not null)
            return ApiProblems.NotFound("recommendation", id);
        var recommendation = await grains.GetGrain<IRecommendationGrain>(id).GetAsync();
        return recommendation is null ? ApiProblems.NotFound("recommendation", id) : TypedResults.Ok(recommendation);
    }
}
