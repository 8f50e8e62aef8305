using MicroSeg.Api.Security;
using MicroSeg.Api.Json;
using MicroSeg.Api.Problems;
using MicroSeg.Grains.Interfaces;
using MicroSeg.Grains.Interfaces.Policies;
using MicroSeg.Grains.Interfaces.Validation;
using Orleans;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace MicroSeg.Api.Endpoints;

/// <summary>/api/v1/policies: native label-based policies.</summary>
internal static class PolicyEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        var group = api.MapGroup("/policies").WithTags("Policies");
        group.MapGet("/", ListAsync).WithName("ListPolicies").WithSummary("Lists every policy.");
        group.MapPost("/", CreateAsync).RequireAuthorization(ApiPolicies.Admin).WithName("CreatePolicy").WithSummary("Creates a policy; 409 if the id exists.");
        group.MapGet("/{id}", GetAsync).WithName("GetPolicy").WithSummary("Reads one policy.");
        group.MapPut("/{id}", PutAsync).RequireAuthorization(ApiPolicies.Admin).WithName("PutPolicy").WithSummary("Creates or replaces a policy.");
        group.MapDelete("/{id}", DeleteAsync).RequireAuthorization(ApiPolicies.Admin).WithName("DeletePolicy").WithSummary("Removes a policy.");
    }

    private static async Task<Ok<IReadOnlyList<PolicySpec>>> ListAsync(IGrainFactory grains) =>
        TypedResults.Ok(await grains.GetGrain<IPolicyIndexGrain>(GrainKeys.Cluster).GetAllAsync());

    private static async Task<Results<Ok<PolicySpec>, ProblemHttpResult>> GetAsync(string id, IGrainFactory grains)
    {
        var policy = await grains.GetGrain<IPolicyGrain>(id).GetAsync();
        return policy is null ? ApiProblems.NotFound("policy", id) : TypedResults.Ok(policy);
    }

    private static async Task<Results<Created<PolicySpec>, ProblemHttpResult>> CreateAsync(HttpRequest request, IGrainFactory grains, CancellationToken ct)
    {
        var (body, errors) = await RequestBody.ReadAsync<PolicySpec>(request, ct);
        if (body is null)
            return ApiProblems.Invalid(errors);
        var spec = body with { Id = body.Id ?? "" };
        var invalid = PolicyValidator.Validate(spec);
        if (invalid.Count > 0)
            return ApiProblems.Invalid(invalid);
        return await grains.GetGrain<IPolicyGrain>(spec.Id).CreateAsync(spec)
            ? TypedResults.Created($"/api/v1/policies/{spec.Id}", spec)
            : ApiProblems.Conflict("policy", spec.Id);
    }

    private static async Task<Results<Ok<PolicySpec>, ProblemHttpResult>> PutAsync(string id, HttpRequest request, IGrainFactory grains, CancellationToken ct)
    {
        var (body, errors) = await RequestBody.ReadAsync<PolicySpec>(request, ct);
        if (body is null)
            return ApiProblems.Invalid(errors);
        if (!string.IsNullOrEmpty(body.Id) && body.Id != id)
            return ApiProblems.IdMismatch(id, body.Id);
        var spec = body with { Id = id };
        var invalid = PolicyValidator.Validate(spec);
        if (invalid.Count > 0)
            return ApiProblems.Invalid(invalid);
        await grains.GetGrain<IPolicyGrain>(id).SetAsync(spec);
        return TypedResults.Ok(spec);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string id, IGrainFactory grains) =>
        await grains.GetGrain<IPolicyGrain>(id).DeleteAsync() ? TypedResults.NoContent() : ApiProblems.NotFound("policy", id);
}
