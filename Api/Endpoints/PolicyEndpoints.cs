using MicroSeg.Api.Security;
using MicroSeg.Api.Json;
using MicroSeg.Api.Paging;
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
        group.MapGet("/", ListAsync).WithIdPaging().WithName("ListPolicies").WithSummary("Lists every policy, ordered by id; with ?limit= (and ?cursor= from the previous page) one page as {items, next}.");
        group.MapPost("/", CreateAsync).RequireAuthorization(ApiPolicies.Admin).WithName("CreatePolicy").WithSummary("Creates a policy; 409 if the id exists.");
        group.MapGet("/{id}", GetAsync).WithName("GetPolicy").WithSummary("Reads one policy.");
        group.MapPut("/{id}", PutAsync).RequireAuthorization(ApiPolicies.Admin).WithName("PutPolicy").WithSummary("Creates or replaces a policy.");
        group.MapDelete("/{id}", DeleteAsync).RequireAuthorization(ApiPolicies.Admin).WithName("DeletePolicy").WithSummary("Removes a policy.");
    }

    /// <summary>Ids of imported NetworkPolicies start with this; only /api/v1/networkpolicies writes them.</summary>
    private const string ImportedPrefix = "k8s.";

    private static IReadOnlyList<ValidationError> Validate(PolicySpec spec) =>
        ReservedId(spec.Id) is { } reserved ? [reserved, .. PolicyValidator.Validate(spec)] : PolicyValidator.Validate(spec);

    /// <summary>
    /// A native write of a "k8s." id would change an imported NetworkPolicy behind the back of its document
    /// (GET /networkpolicies would show one thing while another is enforced).
    /// </summary>
    private static ValidationError? ReservedId(string id) =>
        id.StartsWith(ImportedPrefix, StringComparison.Ordinal)
            ? new ValidationError("id", $"ids starting '{ImportedPrefix}' are reserved for imported NetworkPolicies: change those through /api/v1/networkpolicies.")
            : null;

    // The plain array is listed last so the OpenAPI document shows it as the 200 answer (the last type of a status wins).
    private static async Task<Results<Ok<ListPage<PolicySpec>>, Ok<IReadOnlyList<PolicySpec>>, ProblemHttpResult>> ListAsync(HttpRequest request, IGrainFactory grains)
    {
        var errors = new List<ValidationError>();
        var paging = IdPaging.Parse(request.Query, errors);
        if (errors.Count > 0)
            return ApiProblems.Invalid(errors);
        var all = await grains.GetGrain<IPolicyIndexGrain>(GrainKeys.Cluster).GetAllAsync();
        // Without limit the plain array, as before paging existed, so existing clients keep working.
        return paging.Limit is null
            ? TypedResults.Ok(all)
            : TypedResults.Ok(IdPaging.Page(all, p => p.Id, paging, p => p));
    }

    private static async Task<Results<Ok<PolicySpec>, ProblemHttpResult>> GetAsync(string id, IGrainFactory grains)
    {
        var policy = await grains.GetGrain<IPolicyGrain>(id).GetAsync();
        return policy is null ? ApiProblems.NotFound("policy", id) : TypedResults.Ok(policy);
    }

    private static async Task<Results<Created<PolicySpec>, ProblemHttpResult>> CreateAsync(HttpContext context, IGrainFactory grains, CancellationToken ct)
    {
        var request = context.Request;
        var (body, errors) = await RequestBody.ReadAsync<PolicySpec>(request, ct);
        if (body is null)
            return ApiProblems.Invalid(errors);
        var spec = body with { Id = body.Id ?? "" };
        var invalid = Validate(spec);
        if (invalid.Count > 0)
            return ApiProblems.Invalid(invalid);
        if (!await grains.GetGrain<IPolicyGrain>(spec.Id).CreateAsync(spec))
            return ApiProblems.Conflict("policy", spec.Id);
        await AuditTrail.RecordAsync(context, grains, "policy", spec.Id, before: null, after: spec);
        return TypedResults.Created($"/api/v1/policies/{spec.Id}", spec);
    }

    private static async Task<Results<Ok<PolicySpec>, ProblemHttpResult>> PutAsync(string id, HttpContext context, IGrainFactory grains, CancellationToken ct)
    {
        var request = context.Request;
        var (body, errors) = await RequestBody.ReadAsync<PolicySpec>(request, ct);
        if (body is null)
            return ApiProblems.Invalid(errors);
        if (!string.IsNullOrEmpty(body.Id) && body.Id != id)
            return ApiProblems.IdMismatch(id, body.Id);
        var spec = body with { Id = id };
        var invalid = Validate(spec);
        if (invalid.Count > 0)
            return ApiProblems.Invalid(invalid);
        var grain = grains.GetGrain<IPolicyGrain>(id);
        var before = await grain.GetAsync();
        await grain.SetAsync(spec);
        await AuditTrail.RecordAsync(context, grains, "policy", id, before, spec);
        return TypedResults.Ok(spec);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string id, HttpContext context, IGrainFactory grains)
    {
        if (ReservedId(id) is { } reserved)
            return ApiProblems.Invalid([reserved]);
        var grain = grains.GetGrain<IPolicyGrain>(id);
        var before = await grain.GetAsync();
        if (before is null || !await grain.DeleteAsync())
            return ApiProblems.NotFound("policy", id);
        await AuditTrail.RecordAsync(context, grains, "policy", id, before, after: null);
        return TypedResults.NoContent();
    }
}
