using MicroSeg.Api.Security;
using MicroSeg.Api.Json;
using MicroSeg.Api.Paging;
using MicroSeg.Api.Problems;
using MicroSeg.Grains.Interfaces;
using MicroSeg.Grains.Interfaces.Addresses;
using MicroSeg.Grains.Interfaces.Validation;
using MicroSeg.Grains.Interfaces.Workloads;
using Orleans;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace MicroSeg.Api.Endpoints;

/// <summary>/api/v1/workloads: register, list, read, replace and remove workloads.</summary>
internal static class WorkloadEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        var group = api.MapGroup("/workloads").WithTags("Workloads");
        group.MapGet("/", ListAsync).WithIdPaging().WithName("ListWorkloads").WithSummary("Lists every workload, ordered by id; with ?limit= (and ?cursor= from the previous page) one page as {items, next}.");
        group.MapPost("/", CreateAsync).WithName("CreateWorkload").WithSummary("Registers a workload; 409 if the id exists or another workload holds one of its addresses.");
        group.MapGet("/{id}", GetAsync).WithName("GetWorkload").WithSummary("Reads one workload.");
        group.MapPut("/{id}", PutAsync).WithName("PutWorkload").WithSummary("Creates or replaces a workload; 409 if another workload holds one of its addresses.");
        group.MapDelete("/{id}", DeleteAsync).WithName("DeleteWorkload").WithSummary("Removes a workload.");
    }

    // The plain array is listed last so the OpenAPI document shows it as the 200 answer (the last type of a status wins).
    private static async Task<Results<Ok<ListPage<WorkloadView>>, Ok<WorkloadView[]>, ProblemHttpResult>> ListAsync(HttpRequest request, IGrainFactory grains)
    {
        var errors = new List<ValidationError>();
        var paging = IdPaging.Parse(request.Query, errors);
        if (errors.Count > 0)
            return ApiProblems.Invalid(errors);
        var all = await grains.GetGrain<IWorkloadIndexGrain>(GrainKeys.Cluster).GetAllAsync();
        // Without limit the plain array, as before paging existed, so existing clients keep working.
        return paging.Limit is null
            ? TypedResults.Ok(all.Select(WorkloadView.From).ToArray())
            : TypedResults.Ok(IdPaging.Page(all, w => w.Spec.Id, paging, WorkloadView.From));
    }

    private static async Task<Results<Ok<WorkloadView>, ProblemHttpResult>> GetAsync(string id, IGrainFactory grains)
    {
        var record = await grains.GetGrain<IWorkloadGrain>(id).GetAsync();
        return record is null ? ApiProblems.NotFound("workload", id) : TypedResults.Ok(WorkloadView.From(record));
    }

    private static async Task<Results<Created<WorkloadView>, ProblemHttpResult>> CreateAsync(HttpContext context, IGrainFactory grains, CancellationToken ct)
    {
        var request = context.Request;
        var (body, errors) = await RequestBody.ReadAsync<WorkloadSpec>(request, ct);
        if (body is null)
            return ApiProblems.Invalid(errors);
        var spec = WorkloadView.Normalize(body, body.Id ?? "");
        var invalid = WorkloadValidator.Validate(spec);
        if (invalid.Count > 0)
            return ApiProblems.Invalid(invalid);
        WorkloadRecord? created;
        try
        {
            created = await grains.GetGrain<IWorkloadGrain>(spec.Id).CreateAsync(spec);
        }
        catch (AddressInUseException ex)
        {
            return ApiProblems.AddressInUse(ex);
        }
        if (created is null)
            return ApiProblems.Conflict("workload", spec.Id);
        var view = WorkloadView.From(created);
        await AuditTrail.RecordAsync(context, grains, "workload", spec.Id, before: null, after: view);
        return TypedResults.Created($"/api/v1/workloads/{spec.Id}", view);
    }

    private static async Task<Results<Ok<WorkloadView>, ProblemHttpResult>> PutAsync(string id, HttpContext context, IGrainFactory grains, CancellationToken ct)
    {
        var request = context.Request;
        var (body, errors) = await RequestBody.ReadAsync<WorkloadSpec>(request, ct);
        if (body is null)
            return ApiProblems.Invalid(errors);
        if (!string.IsNullOrEmpty(body.Id) && body.Id != id)
            return ApiProblems.IdMismatch(id, body.Id);
        var spec = WorkloadView.Normalize(body, id);
        var invalid = WorkloadValidator.Validate(spec);
        if (invalid.Count > 0)
            return ApiProblems.Invalid(invalid);
        var grain = grains.GetGrain<IWorkloadGrain>(id);
        var before = await grain.GetAsync();
        WorkloadView after;
        try
        {
            after = WorkloadView.From(await grain.SetAsync(spec));
        }
        catch (AddressInUseException ex)
        {
            return ApiProblems.AddressInUse(ex);
        }
        await AuditTrail.RecordAsync(context, grains, "workload", id, before is null ? null : WorkloadView.From(before), after);
        return TypedResults.Ok(after);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string id, HttpContext context, IGrainFactory grains)
    {
        var grain = grains.GetGrain<IWorkloadGrain>(id);
        var before = await grain.GetAsync();
        if (before is null || !await grain.DeleteAsync())
            return ApiProblems.NotFound("workload", id);
        await AuditTrail.RecordAsync(context, grains, "workload", id, WorkloadView.From(before), after: null);
        return TypedResults.NoContent();
    }
}
