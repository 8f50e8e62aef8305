using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace MicroSeg.Api.Diagnostics;

/// <summary>
/// Orleans' meters (Microsoft.Orleans) and MicroSeg's (MicroSeg.*) in Prometheus text, written by OpenTelemetry's
/// Prometheus exporter. /metrics appends its output to the silo statistics: the exporter's scraping middleware is
/// built once as a branch of the app and run on an in-memory response.
/// </summary>
internal sealed class MeterExport
{
    /// <summary>Meters exported besides the hand-written silo statistics.</summary>
    public static readonly string[] Meters = ["Microsoft.Orleans", "MicroSeg.*"];

    private RequestDelegate? _scrape;

    /// <summary>Builds the exporter's middleware from the app's pipeline (called once when the API is mapped).</summary>
    public void Build(IApplicationBuilder app) => _scrape = app.New().UseOpenTelemetryPrometheusScrapingEndpoint(_ => true).Build();

    /// <summary>The exported meters' current values; empty before <see cref="Build"/>.</summary>
    public async Task<string> ReadAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        if (_scrape is null)
            return "";
        var context = new DefaultHttpContext { RequestServices = services, RequestAborted = cancellationToken };
        context.Request.Method = HttpMethods.Get;
        context.Request.Path = "/metrics";
        using var body = new MemoryStream();
        context.Response.Body = body;
        await _scrape(context);
        return context.Response.StatusCode == StatusCodes.Status200OK ? Encoding.UTF8.GetString(body.ToArray()) : "";
    }
}
