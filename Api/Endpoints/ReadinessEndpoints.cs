using MicroSeg.Api.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Orleans.Runtime;

namespace MicroSeg.Api.Endpoints;

/// <summary>
/// /readyz: this silo should get traffic. Unlike /healthz (liveness: the process and a grain call answer), it
/// checks that the silo is an active member of the cluster and that every registered dependency (its storage)
/// answers now, so a load balancer or Kubernetes takes a joining, leaving or cut-off silo out of rotation.
/// </summary>
internal static class ReadinessEndpoints
{
    /// <summary>How long each check may take before it counts as failed.</summary>
    private static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(3);

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGet("/readyz", CheckAsync).WithName("Ready").WithTags("Health")
            .WithSummary("Readiness: 200 when this silo is an active cluster member and its storage answers; 503 naming the failed check otherwise.");

    private static async Task<Results<Ok<ReadinessReport>, JsonHttpResult<ReadinessReport>>> CheckAsync(
        IClusterMembershipService membership, ILocalSiloDetails silo, IEnumerable<IReadinessProbe> probes, CancellationToken ct)
    {
        var checks = new Dictionary<string, string>(StringComparer.Ordinal);
        var status = membership.CurrentSnapshot.GetSiloStatus(silo.SiloAddress);
        checks["membership"] = status == SiloStatus.Active ? "ok" : $"this silo is {status.ToString().ToLowerInvariant()}, not active";
        foreach (var probe in probes)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(CheckTimeout);
            try
            {
                checks[probe.Name] = await probe.CheckAsync(timeout.Token) ? "ok" : "not reachable";
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                // Open to anyone: the type only; the silo log has the details.
                checks[probe.Name] = $"not reachable ({ex.GetType().Name})";
            }
        }
        var ready = checks.Values.All(v => v == "ok");
        var report = new ReadinessReport(ready ? "ready" : "not-ready", checks);
        return ready ? TypedResults.Ok(report) : TypedResults.Json(report, statusCode: StatusCodes.Status503ServiceUnavailable);
    }
}

/// <summary>The readiness answer.</summary>
/// <param name="Status">"ready" or "not-ready".</param>
/// <param name="Checks">Each check ("membership", "storage") and "ok" or what failed.</param>
public sealed record ReadinessReport(string Status, IReadOnlyDictionary<string, string> Checks);
