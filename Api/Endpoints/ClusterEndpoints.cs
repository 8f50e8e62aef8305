using MicroSeg.Api.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace MicroSeg.Api.Endpoints;

/// <summary>/api/v1/cluster: the silos of the membership table, activations per grain type, and call figures per grain method.</summary>
internal static class ClusterEndpoints
{
    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/cluster", GetAsync).WithName("GetCluster").WithTags("Cluster")
            .WithSummary("Silos (Orleans membership), activations per grain type, calls/s, latency and errors per grain method.");

    private static async Task<Ok<ClusterStatistics>> GetAsync(ClusterStatisticsReader reader, CancellationToken ct) =>
        TypedResults.Ok(await reader.ReadAsync(ct));
}
