using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using MicroSeg.Api.Endpoints;
using MicroSeg.Api.Diagnostics;

namespace MicroSeg.Api.Tests.Endpoints;

[Collection(ApiCollection.Name)]
public sealed partial class MetricsEndpointsTests(ApiFixture fixture)
{
    private HttpClient Http => fixture.Client;

    [Fact]
    public async Task Get_AfterApiCalls_PrometheusTextWithGrainCallsAndActivations()
    {
        var put = await Http.PutAsJsonAsync("/api/v1/workloads/metrics-1",
            new { node = "node-a", addresses = new[] { "198.18.50.1" }, labels = new Dictionary<string, string> { ["app"] = "m" } });
        put.EnsureSuccessStatusCode();

        var response = await Http.GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains(response.Content.Headers.ContentType.Parameters, p => p.Name == "version" && p.Value == "0.0.4");
        var text = await response.Content.ReadAsStringAsync();
        var samples = AssertWellFormed(text);
        Assert.Contains(samples, s => s.Name == "microseg_silo_info" && s.Labels.Contains("status=\"Active\"") && s.Value == 1);
        Assert.Contains(samples, s => s.Name == "microseg_grain_activations" && s.Labels.Contains("grain_type=\"workload\"") && s.Value >= 1);
        Assert.Contains(samples, s => s.Name == "microseg_grain_calls_total" && s.Labels.Contains("grain_type=\"workload\"") && s.Value >= 1);
        Assert.Contains(samples, s => s.Name == "microseg_grain_call_duration_seconds" && s.Labels.Contains("quantile=\"0.99\"") && s.Value > 0);
        Assert.Contains(samples, s => s.Name == "microseg_silo_uptime_seconds" && s.Value > 0);
        // Orleans' own meters, exported by OpenTelemetry.
        Assert.Contains(samples, s => s.Name.StartsWith("orleans_", StringComparison.Ordinal) && s.Labels.Contains("otel_scope_name=\"Microsoft.Orleans\""));
    }

    [Fact]
    public void Write_LabelValuesWithQuotesAndBackslashes_Escaped()
    {
        var silo = new SiloStatistics("a\"b", "local", "Active", DateTimeOffset.UnixEpoch, 1.5, 2, true);

        var text = MetricsEndpoints.Write(silo, [new("t", 2)], [new("t", "I.M\\x\ny", 3, 1, 0.5, 0.1, 1.5, 20, 0.25)], TimeSpan.FromSeconds(60));

        var samples = AssertWellFormed(text);
        Assert.Contains("microseg_grain_calls_total{silo=\"a\\\"b\",grain_type=\"t\",method=\"I.M\\\\x\\ny\"} 3\n", text, StringComparison.Ordinal);
        Assert.Contains(samples, s => s.Name == "microseg_grain_call_duration_seconds" && s.Labels.Contains("quantile=\"0.5\"") && s.Value == 0.0015);
        Assert.Contains(samples, s => s.Name == "microseg_grain_call_duration_seconds_count" && s.Value == 3);
    }

    // Every line is a HELP or TYPE comment or a sample; every sample's family was announced by HELP and TYPE first.
    private static List<(string Name, string Labels, double Value)> AssertWellFormed(string text)
    {
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        var typed = new Dictionary<string, string>();
        var helped = new HashSet<string>();
        var samples = new List<(string, string, double)>();
        foreach (var line in text.TrimEnd('\n').Split('\n'))
        {
            if (Comment().Match(line) is { Success: true } comment)
            {
                if (comment.Groups[1].Value == "HELP")
                    helped.Add(comment.Groups[2].Value);
                else
                    typed.Add(comment.Groups[2].Value, comment.Groups[3].Value);
                continue;
            }

            var sample = Sample().Match(line);
            Assert.True(sample.Success, $"not a sample line: {line}");
            var name = sample.Groups[1].Value;
            var family = typed.ContainsKey(name) ? name : Regex.Replace(name, "_(sum|count|bucket)$", "");
            Assert.True(typed.ContainsKey(family), $"{name} has no TYPE before it");
            Assert.True(helped.Contains(family) || !family.StartsWith("microseg_", StringComparison.Ordinal), $"{name} has no HELP before it");
            samples.Add((name, sample.Groups[2].Value, double.Parse(sample.Groups[3].Value, CultureInfo.InvariantCulture)));
        }

        return samples;
    }

    [GeneratedRegex(@"^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.+)$")]
    private static partial Regex Comment();

    [GeneratedRegex(@"^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{((?:[a-zA-Z_][a-zA-Z0-9_]*=""(?:[^""\\\n]|\\[\\""n])*"",?)*)\})? (-?[0-9.eE+-]+|NaN|\+Inf|-Inf)$")]
    private static partial Regex Sample();
}
