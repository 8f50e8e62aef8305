using MicroSeg.Grains.Interfaces;
using MicroSeg.Grains.Interfaces.Nodes;
using Orleans;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace MicroSeg.Api.Endpoints;

/// <summary>/healthz: healthy when a grain call through the runtime and its storage answers.</summary>
internal static class HealthEndpoints
{
    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGet("/healthz", CheckAsync).WithName("Health").WithSummary("Liveness and readiness of this silo.").WithTags("Health");

    private static async Task<Results<Ok<HealthReport>, JsonHttpResult<HealthReport>>> CheckAsync(IGrainFactory grains, CancellationToken ct)
    {
        try
        {
            var nodes = await grains.GetGrain<INodeIndexGrain>(GrainKeys.Cluster).GetAllAsync().WaitAsync(TimeSpan.FromSeconds(5), ct);
            return TypedResults.Ok(new HealthReport("ok", nodes.Count, null));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Open to anyone: the exception's text (hosts, database names) stays in the silo's log.
            return TypedResults.Json(new HealthReport("unhealthy", 0, $"the grain runtime or its storage did not answer ({ex.GetType().Name}); the silo log has the cause."),
                statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }
}

/// <summary>The health answer.</summary>
/// <param name="Status">"ok" or "unhealthy".</param>
/// <param name="Nodes">Known nodes.</param>
/// <param name="Error">Why unhealthy.</param>
public sealed record HealthReport(string Status, int Nodes, string? Error);
