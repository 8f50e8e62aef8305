using System.Text.Json;
using MicroSeg.EndToEnd.Tests.Infrastructure;
using MicroSeg.Testing.Sockets;

namespace MicroSeg.EndToEnd.Tests;

/// <summary>--log-format json: every console line of the silo is one JSON object with the event's named fields. Real binary.</summary>
public sealed class LogFormatTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("microseg-logs-").FullName;

    public void Dispose() => Directory.Delete(_data, recursive: true);

    [Fact]
    public async Task Silo_LogFormatJson_WritesOneStructuredObjectPerLine()
    {
        var http = new Uri($"http://127.0.0.1:{LoopbackPorts.Free()}");
        using var silo = ChildProcess.Start("silo", RepoPaths.Silo, "--http", http.ToString(), "--data", _data, "--name", "json-silo",
            "--silo-port", $"{LoopbackPorts.Free()}", "--gateway-port", $"{LoopbackPorts.Free()}", "--log-format", "json");
        using (var api = new SiloApi(http, adminToken: "unused"))
            await api.WaitHealthyAsync(silo, TimeSpan.FromSeconds(60));
        await silo.StopAsync(TimeSpan.FromSeconds(20));

        var lines = silo.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.NotEmpty(lines);
        var events = lines.Select(line =>
        {
            try
            {
                return JsonDocument.Parse(line).RootElement;
            }
            catch (JsonException e)
            {
                throw new Xunit.Sdk.XunitException($"not one JSON object per line: '{line}' ({e.Message})");
            }
        }).ToList();
        Assert.All(events, e => Assert.True(e.TryGetProperty("Timestamp", out _) && e.TryGetProperty("LogLevel", out _) && e.TryGetProperty("Category", out _)));
        var ready = Assert.Single(events, e => e.GetProperty("Message").GetString()!.StartsWith("MicroSeg silo json-silo ready", StringComparison.Ordinal));
        Assert.Equal("json-silo", ready.GetProperty("State").GetProperty("Name").GetString());
        Assert.EndsWith("Z", ready.GetProperty("Timestamp").GetString());
    }
}
