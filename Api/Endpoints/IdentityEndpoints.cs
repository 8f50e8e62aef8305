using MicroSeg.Grains.Interfaces;
using MicroSeg.Grains.Interfaces.Identity;
using Orleans;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace MicroSeg.Api.Endpoints;

/// <summary>/api/v1/identities: the numeric security identities in use, their label sets and holders.</summary>
internal static class IdentityEndpoints
{
    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/identities", ListAsync).WithTags("Identities").WithName("ListIdentities")
            .WithSummary("Lists every identity in use with its label set and the workloads holding it.");

    private static async Task<Ok<IReadOnlyList<IdentityInfo>>> ListAsync(IGrainFactory grains) =>
        TypedResults.Ok(await grains.GetGrain<IIdentityAllocatorGrain>(GrainKeys.Cluster).GetAllAsync());
}
