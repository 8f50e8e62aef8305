using MicroSeg.Api.Json;
using MicroSeg.Api.Problems;
using MicroSeg.Api.Security;
using MicroSeg.Grains.Interfaces.Policies;
using MicroSeg.Grains.Interfaces.Recommendations;
using MicroSeg.Grains.Interfaces.Simulations;
using MicroSeg.Grains.Interfaces.Validation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Orleans;

namespace MicroSeg.Api.Endpoints;

/// <summary>Body of POST /api/v1/simulate: policies or a recommendation, and the window to replay.</summary>
/// <param name="Policies">Policies as if provisioned (replacing active policies of the same id).</param>
/// <param name="Recommendation">A recommendation id, instead of <paramref name="Policies"/>; its namespace and window are the defaults.</param>
/// <param name="Namespace">Only flows with either end in this namespace.</param>
/// <param name="Since">Flows last seen at or after (RFC 3339).</param>
/// <param name="Until">Flows first seen before (RFC 3339).</param>
/// <param name="Examples">Examples per outcome, 0-100 (default 10).</param>
internal sealed record SimulationBody(
    IReadOnlyList<PolicySpec>? Policies, string? Recommendation, string? Namespace, DateTimeOffset? Since, DateTimeOffset? Until, int? Examples);

/// <summary>/api/v1/simulate: what enforcing proposed policies would do to the recorded flows.</summary>
internal static class SimulationEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapPost("/simulate", SimulateAsync).RequireAuthorization(ApiPolicies.Operator).WithTags("Recommendations").WithName("Simulate")
            .WithSummary("Replays the recorded flows of a window against today's active policies and against the given policies (or a recommendation's): counts allowed, denied and changed, with examples. Changes nothing.");
    }

    private static async Task<Results<Ok<SimulationResult>, ProblemHttpResult>> SimulateAsync(HttpContext context, IGrainFactory grains, CancellationToken ct)
    {
        var (body, errors) = await RequestBody.ReadAsync<SimulationBody>(context.Request, ct);
        if (body is null)
            return ApiProblems.Invalid(errors);
        var invalid = new List<ValidationError>();
        if ((body.Policies is null) == (body.Recommendation is null))
            invalid.Add(new ValidationError(body.Policies is null ? "policies" : "recommendation", "give either 'policies' (a list) or 'recommendation' (an id), not both and not neither."));
        if (body.Namespace is not null && NameRules.CheckId(body.Namespace, "namespace") is { } ns)
            invalid.Add(new ValidationError("namespace", ns));
        if (body.Since is { } since && body.Until is { } until && since >= until)
            invalid.Add(new ValidationError("until", $"until ({until:O}) must be after since ({since:O})."));
        if (body.Examples is < 0 or > 100)
            invalid.Add(new ValidationError("examples", $"examples must be 0-100, not {body.Examples}."));
        for (var i = 0; i < (body.Policies?.Count ?? 0); i++)
        {
            if (body.Policies![i] is not { } policy)
                invalid.Add(new ValidationError($"policies[{i}]", "a policy is an object, not null."));
            else
                invalid.AddRange(PolicyValidator.Validate(policy).Select(e => e with { Field = $"policies[{i}].{e.Field}" }));
        }
        if (invalid.Count > 0)
            return ApiProblems.Invalid(invalid);

        var policies = body.Policies;
        var request = new SimulationRequest([], body.Namespace, body.Since, body.Until, body.Examples ?? 10);
        if (body.Recommendation is { } id)
        {
            var recommendation = NameRules.CheckId(id, "recommendation") is null ? await grains.GetGrain<IRecommendationGrain>(id).GetAsync() : null;
            if (recommendation is null)
                return ApiProblems.Invalid([new ValidationError("recommendation", $"recommendation '{id}' does not exist.")]);
            policies = recommendation.Policies;
            request = request with
            {
                Namespace = body.Namespace ?? recommendation.Request.Namespace,
                Since = body.Since ?? recommendation.Request.Since,
                Until = body.Until ?? recommendation.Request.Until,
            };
        }
        return TypedResults.Ok(await grains.GetGrain<ISimulationGrain>(0).SimulateAsync(request with { Policies = policies! }));
    }
}
