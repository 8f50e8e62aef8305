using System.Globalization;
using System.Text;
using MicroSeg.Api.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace MicroSeg.Api.Endpoints;

/// <summary>
/// /metrics: this silo's runtime statistics in the Prometheus text exposition format (0.0.4), followed by Orleans'
/// own meters and MicroSeg's control-plane meters (flows), exported by OpenTelemetry (<see cref="MeterExport"/>).
/// Each silo is scraped on its own; every series written here carries a <c>silo</c> label.
/// </summary>
internal static class MetricsEndpoints
{
    /// <summary>The content type Prometheus expects for the text format.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public static RouteHandlerBuilder Map(IEndpointRouteBuilder app) =>
        app.MapGet("/metrics", GetAsync).WithName("Metrics").WithSummary("Runtime statistics of this silo in Prometheus text format.").WithTags("Health");

    private static async Task<ContentHttpResult> GetAsync(ClusterStatisticsReader reader, GrainCallStatistics calls, MeterExport meters, HttpContext http, CancellationToken ct)
    {
        var (silo, types) = await reader.ReadLocalAsync(ct);
        var exported = await meters.ReadAsync(http.RequestServices, ct);
        return TypedResults.Text(Write(silo, types, calls.Snapshot(), GrainCallStatistics.Window) + exported, ContentType);
    }

    /// <summary>Formats one silo's statistics as Prometheus metric families.</summary>
    public static string Write(SiloStatistics silo, IReadOnlyList<GrainTypeStatistics> grainTypes, IReadOnlyList<GrainMethodStatistics> methodFigures, TimeSpan window)
    {
        var text = new PrometheusText();
        var self = new[] { ("silo", silo.Name) };
        text.Family("microseg_silo_info", "gauge", "This silo: its address and status (always 1).");
        text.Sample("microseg_silo_info", [.. self, ("address", silo.Address), ("status", silo.Status)], 1);
        text.Family("microseg_silo_uptime_seconds", "gauge", "Seconds since this silo started.");
        text.Sample("microseg_silo_uptime_seconds", self, silo.UptimeSeconds);
        text.Family("microseg_silo_activations", "gauge", "Grain activations in this silo.");
        text.Sample("microseg_silo_activations", self, silo.Activations);
        text.Family("microseg_silo_calls_per_second", "gauge", $"Grain calls completed per second in this silo over the last {window.TotalSeconds:0} s.");
        text.Sample("microseg_silo_calls_per_second", self, methodFigures.Sum(m => m.CallsPerSecond));

        text.Family("microseg_grain_activations", "gauge", "Grain activations in this silo, per grain type.");
        foreach (var type in grainTypes)
            text.Sample("microseg_grain_activations", [.. self, ("grain_type", type.GrainType)], type.Activations);

        var methods = methodFigures.Select(m => (Method: m, Labels: new[] { self[0], ("grain_type", m.GrainType), ("method", m.Method) })).ToList();
        text.Family("microseg_grain_calls_total", "counter", "Grain calls completed (successes and failures), per grain type and method.");
        foreach (var (m, labels) in methods)
            text.Sample("microseg_grain_calls_total", labels, m.Calls);
        text.Family("microseg_grain_call_errors_total", "counter", "Grain calls that failed, per grain type and method.");
        foreach (var (m, labels) in methods)
            text.Sample("microseg_grain_call_errors_total", labels, m.Errors);
        text.Family("microseg_grain_calls_per_second", "gauge", $"Grain calls per second over the last {window.TotalSeconds:0} s, per grain type and method.");
        foreach (var (m, labels) in methods)
            text.Sample("microseg_grain_calls_per_second", labels, m.CallsPerSecond);
        text.Family("microseg_grain_call_errors_per_second", "gauge", $"Failed grain calls per second over the last {window.TotalSeconds:0} s, per grain type and method.");
        foreach (var (m, labels) in methods)
            text.Sample("microseg_grain_call_errors_per_second", labels, m.ErrorsPerSecond);
        text.Family("microseg_grain_call_duration_seconds", "summary",
            $"Grain call duration in the silo that ran it (queue wait included); quantiles over the last {window.TotalSeconds:0} s, sum and count since start.");
        foreach (var (m, labels) in methods)
        {
            text.Sample("microseg_grain_call_duration_seconds", [.. labels, ("quantile", "0.5")], m.LatencyP50Ms / 1000);
            text.Sample("microseg_grain_call_duration_seconds", [.. labels, ("quantile", "0.99")], m.LatencyP99Ms / 1000);
            text.Sample("microseg_grain_call_duration_seconds_sum", labels, m.TotalSeconds);
            text.Sample("microseg_grain_call_duration_seconds_count", labels, m.Calls);
        }

        return text.ToString();
    }

    /// <summary>A Prometheus text-format document being written.</summary>
    private sealed class PrometheusText
    {
        private readonly StringBuilder _text = new();

        public void Family(string name, string type, string help)
        {
            _text.Append("# HELP ").Append(name).Append(' ').Append(help.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)).Append('\n');
            _text.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
        }

        public void Sample(string name, IReadOnlyList<(string Name, string Value)> labels, double value)
        {
            _text.Append(name);
            if (labels.Count > 0)
            {
                _text.Append('{');
                for (var i = 0; i < labels.Count; i++)
                {
                    if (i > 0)
                        _text.Append(',');
                    _text.Append(labels[i].Name).Append("=\"");
                    AppendEscaped(labels[i].Value);
                    _text.Append('"');
                }

                _text.Append('}');
            }

            _text.Append(' ').Append(Format(value)).Append('\n');
        }

        public override string ToString() => _text.ToString();

        private void AppendEscaped(string value)
        {
            foreach (var c in value)
            {
                _ = c switch
                {
                    '\\' => _text.Append("\\\\"),
                    '"' => _text.Append("\\\""),
                    '\n' => _text.Append("\\n"),
                    _ => _text.Append(c),
                };
            }
        }

        private static string Format(double value) => value switch
        {
            double.NaN => "NaN",
            double.PositiveInfinity => "+Inf",
            double.NegativeInfinity => "-Inf",
            _ => value.ToString("R", CultureInfo.InvariantCulture),
        };
    }
}
