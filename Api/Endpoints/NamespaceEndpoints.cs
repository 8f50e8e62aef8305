using MicroSeg.Api.Security;
using MicroSeg.Api.Json;
using MicroSeg.Api.Problems;
using MicroSeg.Grains.Interfaces;
using MicroSeg.Grains.Interfaces.Namespaces;
using MicroSeg.Grains.Interfaces.Policies;
using MicroSeg.Grains.Interfaces.Validation;
using Orleans;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace MicroSeg.Api.Endpoints;

/// <summary>The body of a namespace request: its labels (and its name, for POST).</summary>
public sealed record NamespaceRequest(string? Name, IReadOnlyDictionary<string, string>? Labels);

/// <summary>/api/v1/namespaces: namespaces and their labels, for namespace selectors.</summary>
internal static class NamespaceEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        var group = api.MapGroup("/namespaces").WithTags("Namespaces");
        group.MapGet("/", ListAsync).WithName("ListNamespaces").WithSummary("Lists every namespace with labels.");
        group.MapPost("/", CreateAsync).WithName("CreateNamespace").WithSummary("Creates a namespace; 409 if it exists.");
        group.MapGet("/{name}", GetAsync).WithName("GetNamespace").WithSummary("Reads one namespace's labels.");
        group.MapPut("/{name}", PutAsync).WithName("PutNamespace").WithSummary("Sets a namespace's labels ({\"labels\": {...}}); creates it if missing.");
        group.MapDelete("/{name}", DeleteAsync).WithName("DeleteNamespace").WithSummary("Forgets a namespace's labels.");
    }

    private static INamespaceIndexGrain Index(IGrainFactory grains) => grains.GetGrain<INamespaceIndexGrain>(GrainKeys.Cluster);

    private static async Task<Ok<IReadOnlyList<NamespaceSpec>>> ListAsync(IGrainFactory grains) =>
        TypedResults.Ok(await Index(grains).GetAllAsync());

    private static async Task<Results<Ok<NamespaceSpec>, ProblemHttpResult>> GetAsync(string name, IGrainFactory grains) =>
        await Index(grains).GetAsync(name) is { } ns ? TypedResults.Ok(ns) : ApiProblems.NotFound("namespace", name);

    private static async Task<Results<Created<NamespaceSpec>, ProblemHttpResult>> CreateAsync(HttpContext context, IGrainFactory grains, CancellationToken ct)
    {
        var request = context.Request;
        var (body, errors) = await RequestBody.ReadAsync<NamespaceRequest>(request, ct);
        if (body is null)
            return ApiProblems.Invalid(errors);
        var spec = new NamespaceSpec(body.Name ?? "", body.Labels ?? new Dictionary<string, string>());
        if (NamespaceValidator.Validate(spec) is { Count: > 0 } invalid)
            return ApiProblems.Invalid(invalid);
        if (await Index(grains).GetAsync(spec.Name) is not null)
            return ApiProblems.Conflict("namespace", spec.Name);
        await Index(grains).SetAsync(spec);
        var created = (await Index(grains).GetAsync(spec.Name))!;
        await AuditTrail.RecordAsync(context, grains, "namespace", spec.Name, before: null, after: created);
        return TypedResults.Created($"/api/v1/namespaces/{spec.Name}", created);
    }

    private static async Task<Results<Ok<NamespaceSpec>, ProblemHttpResult>> PutAsync(string name, HttpContext context, IGrainFactory grains, CancellationToken ct)
    {
        var request = context.Request;
        var (body, errors) = await RequestBody.ReadAsync<NamespaceRequest>(request, ct);
        if (body is null)
            return ApiProblems.Invalid(errors);
        if (!string.IsNullOrEmpty(body.Name) && body.Name != name)
            return ApiProblems.IdMismatch(name, body.Name);
        var spec = new NamespaceSpec(name, body.Labels ?? new Dictionary<string, string>());
        if (NamespaceValidator.Validate(spec) is { Count: > 0 } invalid)
            return ApiProblems.Invalid(invalid);
        var before = await Index(grains).GetAsync(name);
        await Index(grains).SetAsync(spec);
        var after = (await Index(grains).GetAsync(name))!;
        await AuditTrail.RecordAsync(context, grains, "namespace", name, before, after);
        return TypedResults.Ok(after);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string name, HttpContext context, IGrainFactory grains)
    {
        var before = await Index(grains).GetAsync(name);
        if (before is null || !await Index(grains).RemoveAsync(name))
            return ApiProblems.NotFound("namespace", name);
        await AuditTrail.RecordAsync(context, grains, "namespace", name, before, after: null);
        return TypedResults.NoContent();
    }
}
