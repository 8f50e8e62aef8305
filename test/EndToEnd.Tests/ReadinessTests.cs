using System.Net;
using System.Text.Json.Nodes;
using MicroSeg.EndToEnd.Tests.Infrastructure;

namespace MicroSeg.EndToEnd.Tests;

/// <summary>/readyz of a real silo: open (probes carry no token), and ready once it is an active member with its storage answering.</summary>
public sealed class ReadinessTests
{
    [Fact]
    public async Task Readyz_RunningSilo_ReadyWithMembershipAndStorageChecks()
    {
        await using var silo = await LoneSilo.StartAsync();
        using var http = new HttpClient { BaseAddress = silo.Http };

        using var response = await http.GetAsync("/readyz");
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ready", (string?)body["status"]);
        Assert.Equal("ok", (string?)body["checks"]!["membership"]);
        Assert.Equal("ok", (string?)body["checks"]!["storage"]);
    }

    [Fact]
    public async Task Readyz_StorageGone_NotReadyNamingStorage()
    {
        await using var silo = await LoneSilo.StartAsync();
        using var http = new HttpClient { BaseAddress = silo.Http };
        // The embedded store's file disappears (a wiped or unmounted data volume): the silo must leave rotation.
        File.Move(Path.Combine(silo.Data, "microseg.db"), Path.Combine(silo.Data, "moved.db"));
        try
        {
            using var response = await http.GetAsync("/readyz");
            var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal("not-ready", (string?)body["status"]);
            Assert.StartsWith("not reachable", (string?)body["checks"]!["storage"]);
            Assert.Equal("ok", (string?)body["checks"]!["membership"]);
        }
        finally
        {
            File.Move(Path.Combine(silo.Data, "moved.db"), Path.Combine(silo.Data, "microseg.db"));
        }
    }
}
