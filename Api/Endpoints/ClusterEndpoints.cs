using MicroSeg.Runtime.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace MicroSeg.Api.Endpoints;

/// <summary>/api/v1/cluster: every silo with its status and statistics, and cluster-wide tables per grain type and method.</summary>
internal static class ClusterEndpoints
{
    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/cluster", GetAsync).WithName("GetCluster").WithTags("Cluster")
            .WithSummary("Silos (membership table in cluster mode), activations per grain type, calls/s, latency and errors per grain method.");

    private static async Task<Ok<ClusterStatistics>> GetAsync(IRuntimeStatistics statistics, CancellationToken ct) =>
        TypedResults.Ok(await statistics.GetClusterStatisticsAsync(ct));
}
