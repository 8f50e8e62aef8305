using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace MicroSeg.Cli.Tests.Commands;

/// <summary>microsegctl recommend, simulate, provision and revert against a real silo.</summary>
[Collection(SiloCollection.Name)]
public sealed class RecommendationCommandsTests(SiloFixture silo) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("microsegctl-rec-").FullName;

    [Fact]
    public async Task Recommend_Simulate_Provision_List_Revert()
    {
        using (var http = silo.AdminClient())
        {
            using var put = await http.PutAsJsonAsync("/api/v1/workloads/cli-rec-db", new
            {
                node = "node-r", @interface = "veth-clirec", addresses = new[] { "198.18.45.1" }, @namespace = "cli-rec",
                labels = new Dictionary<string, string> { ["app"] = "db" },
            });
            put.EnsureSuccessStatusCode();
        }

        var recommended = await CliRun.AgainstAsync(silo, "recommend", "-n", "cli-rec", "--since", "1h", "-o", "json");
        Assert.True(recommended.ExitCode == 0, recommended.Error);
        var recommendation = JsonNode.Parse(recommended.Out)!;
        var id = (string)recommendation["id"]!;
        Assert.Equal("rec.cli-rec.db", (string?)recommendation["policies"]![0]!["id"]);
        Assert.True((bool)recommendation["policies"]![0]!["draft"]!);
        var table = await CliRun.AgainstAsync(silo, "recommend", "-n", "cli-rec", "-l", "app");
        Assert.Equal(0, table.ExitCode);
        Assert.Contains("(draft): 1 policies", table.Out, StringComparison.Ordinal);
        Assert.Contains($"microsegctl provision r-", table.Out, StringComparison.Ordinal);

        var simulated = await CliRun.AgainstAsync(silo, "simulate", "-r", id, "-o", "json");
        Assert.True(simulated.ExitCode == 0, simulated.Error);
        Assert.Equal(0, (long)JsonNode.Parse(simulated.Out)!["newlyDenied"]!);
        var file = Path.Combine(_dir, "p.yaml");
        await File.WriteAllTextAsync(file, "kind: Policy\nid: cli-rec-what-if\nnamespace: cli-rec\nselector: {matchLabels: {app: db}}\ningress: []\n");
        var fromFile = await CliRun.AgainstAsync(silo, "simulate", "-f", file, "-n", "cli-rec");
        Assert.True(fromFile.ExitCode == 0, fromFile.Error);
        Assert.Contains("NEWLY DENIED", fromFile.Out, StringComparison.Ordinal);

        var provisioned = await CliRun.AgainstAsync(silo, "provision", id, "-o", "json");
        Assert.True(provisioned.ExitCode == 0, provisioned.Error);
        var version = (long)JsonNode.Parse(provisioned.Out)!["version"]!;
        var listed = await CliRun.AgainstAsync(silo, "provision");
        Assert.Contains(listed.Out.Split('\n'), l => l.Contains($"recommendation/{id}", StringComparison.Ordinal) && l.Contains("added 1", StringComparison.Ordinal));

        var reverted = await CliRun.AgainstAsync(silo, "revert", version.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(reverted.ExitCode == 0, reverted.Error);
        Assert.Contains(reverted.Out.Split('\n'), l => l.Contains($"revert/{version}", StringComparison.Ordinal) && l.Contains("removed 1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task BadArguments_ExitOneWithAMessage()
    {
        var neither = await CliRun.AgainstAsync(silo, "simulate");
        Assert.Equal(1, neither.ExitCode);
        Assert.Contains("--recommendation", neither.Error, StringComparison.Ordinal);
        var since = await CliRun.AgainstAsync(silo, "recommend", "--since", "yesterday");
        Assert.Equal(1, since.ExitCode);
        Assert.Contains("--since 'yesterday'", since.Error, StringComparison.Ordinal);
        var missing = await CliRun.AgainstAsync(silo, "provision", "r-missing");
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("r-missing", missing.Error, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
