using MicroSeg.Api.Security;
using MicroSeg.Api.Json;
using MicroSeg.Api.Problems;
using MicroSeg.Grains.Interfaces;
using MicroSeg.Grains.Interfaces.Settings;
using MicroSeg.Grains.Interfaces.Validation;
using Orleans;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace MicroSeg.Api.Endpoints;

/// <summary>/api/v1/settings/enforcement: the cluster default mode and label-group modes.</summary>
internal static class SettingsEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        var group = api.MapGroup("/settings").WithTags("Settings");
        group.MapGet("/enforcement", GetAsync).WithName("GetEnforcementSettings")
            .WithSummary("The cluster default enforcement mode and the label groups with their own mode.");
        group.MapPut("/enforcement", PutAsync).RequireAuthorization(ApiPolicies.Admin).WithName("PutEnforcementSettings")
            .WithSummary("Replaces the enforcement settings; workloads follow within one recomputation.");
    }

    private static IEnforcementSettingsGrain Settings(IGrainFactory grains) => grains.GetGrain<IEnforcementSettingsGrain>(GrainKeys.Cluster);

    private static async Task<Ok<EnforcementSettings>> GetAsync(IGrainFactory grains) => TypedResults.Ok(await Settings(grains).GetAsync());

    private static async Task<Results<Ok<EnforcementSettings>, ProblemHttpResult>> PutAsync(HttpContext context, IGrainFactory grains, CancellationToken ct)
    {
        var request = context.Request;
        var (body, errors) = await RequestBody.ReadAsync<EnforcementSettings>(request, ct);
        if (body is null)
            return ApiProblems.Invalid(errors);
        var settings = body with { LabelGroups = body.LabelGroups ?? [] };
        if (SettingsValidator.Validate(settings) is { Count: > 0 } invalid)
            return ApiProblems.Invalid(invalid);
        var before = await Settings(grains).GetAsync();
        await Settings(grains).SetAsync(settings);
        await AuditTrail.RecordAsync(context, grains, "settings", "enforcement", before, settings);
        return TypedResults.Ok(settings);
    }
}
