using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using MicroSeg.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace MicroSeg.EndToEnd.Tests.Security;

/// <summary>
/// Requests built to crash or exhaust the silo, against the real process (a stack overflow or an out-of-memory
/// kill ends a process, which only an out-of-process test can see): each answers an error, and the silo stays
/// up with its memory bounded. Real binary; needs 'make build'.
/// </summary>
public sealed class HostileRequestTests(ITestOutputHelper output) : IAsyncLifetime
{
    /// <summary>Growth of the silo's resident memory that counts as "flat": the attacks used to take gigabytes.</summary>
    private const long FlatBytes = 200L << 20;

    private LoneSilo _lone = null!;

    private ChildProcess Silo => _lone.Process;

    private SiloApi Api => _lone.Api;

    public async Task InitializeAsync() => _lone = await LoneSilo.StartAsync();

    [Fact]
    public async Task DeepJson_AliasBomb_OversizedBody_AnswerErrors_SiloAliveAndMemoryFlat()
    {
        var deepJson = new string('[', 100_000) + new string(']', 100_000);
        var deepObject = "{\"selector\":" + string.Concat(Enumerable.Repeat("{\"a\":", 100_000)) + "1" + new string('}', 100_001);
        var bomb = new StringBuilder("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        for (var level = 'b'; level <= 'i'; level++)
            bomb.Append($"{level}: &{level} [{string.Join(',', Enumerable.Repeat($"*{(char)(level - 1)}", 9))}]\n");
        (string Name, string Path, string Body, string Type)[] attacks =
        [
            ("100k-deep JSON array, policies", "/api/v1/policies", deepJson, "application/json"),
            ("100k-deep JSON object, policies", "/api/v1/policies", deepObject, "application/json"),
            ("100k-deep JSON array, workloads", "/api/v1/workloads", deepJson, "application/json"),
            ("100k-deep JSON, networkpolicies", "/api/v1/networkpolicies", deepJson, "application/json"),
            ("100k-deep YAML flow, networkpolicies", "/api/v1/networkpolicies", deepJson, "application/yaml"),
            ($"YAML alias bomb ({bomb.Length} bytes)", "/api/v1/networkpolicies", bomb.ToString(), "application/yaml"),
        ];

        // One round first: what the runtime allocates once (JIT, pools) is not growth.
        foreach (var attack in attacks)
            await ExpectAsync(attack, HttpStatusCode.BadRequest);
        var before = ResidentBytes();
        for (var round = 0; round < 10; round++)
        {
            foreach (var attack in attacks)
                await ExpectAsync(attack, HttpStatusCode.BadRequest);
        }
        // With Expect: 100-continue the silo refuses by Content-Length before the client sends the body (without it the
        // silo answers the same and closes the connection while the client is still writing).
        using (var oversized = new HttpRequestMessage(HttpMethod.Post, "/api/v1/workloads")
        {
            Content = new StringContent(new string(' ', 17 << 20), Encoding.UTF8, "application/json"),
            Headers = { ExpectContinue = true, Authorization = new("Bearer", Api.Token) },
        })
        {
            using var http = new HttpClient { BaseAddress = Api.BaseAddress };
            using var response = await http.SendAsync(oversized);
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        }
        var after = ResidentBytes();

        output.WriteLine($"silo resident memory: {before >> 20} MiB before 10 rounds, {after >> 20} MiB after");
        Assert.False(Silo.HasExited, Silo.Tail());
        using (var health = await Api.SendAsync(HttpMethod.Get, "/healthz"))
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.True(after - before < FlatBytes, $"the silo grew from {before >> 20} MiB to {after >> 20} MiB");
    }

    [Fact]
    public async Task RandomIdGetStorm_LeavesNoActivationsAndMemoryFlat()
    {
        await StormAsync(500);
        var before = ResidentBytes();
        var baseline = await ActivationsAsync();
        var watch = Stopwatch.StartNew();
        await StormAsync(10_000);
        output.WriteLine($"10k random-id GETs in {watch.Elapsed.TotalSeconds:F1} s");

        // Unknown ids deactivate as soon as their read returns: the activations fall back to the baseline.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        int now;
        while ((now = await ActivationsAsync()) > baseline + 200 && DateTime.UtcNow < deadline)
            await Task.Delay(200);
        var after = ResidentBytes();
        output.WriteLine($"activations {baseline} before, {now} after; resident memory {before >> 20} MiB before, {after >> 20} MiB after");
        Assert.True(now <= baseline + 200, $"{now} activations remain after the storm (baseline {baseline})");
        Assert.True(after - before < FlatBytes, $"the silo grew from {before >> 20} MiB to {after >> 20} MiB");
    }

    private async Task StormAsync(int count)
    {
        string[] paths = ["/api/v1/workloads/", "/api/v1/policies/", "/api/v1/networkpolicies/default/", "/api/v1/nodes/", "/api/v1/namespaces/"];
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
        {
            using var response = await Api.SendAsync(HttpMethod.Get, paths[i % paths.Length] + Guid.NewGuid().ToString("N"), cancellationToken: ct);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        });
    }

    private async Task<int> ActivationsAsync()
    {
        var cluster = await Api.SendOkAsync(HttpMethod.Get, "/api/v1/cluster");
        return cluster!["grainTypes"]!.AsArray().Sum(t => t!["activations"]!.GetValue<int>());
    }

    private async Task ExpectAsync((string Name, string Path, string Body, string Type) attack, HttpStatusCode expected)
    {
        var watch = Stopwatch.StartNew();
        using var response = await Api.SendAsync(HttpMethod.Post, attack.Path, new StringContent(attack.Body, Encoding.UTF8, attack.Type));
        var text = await response.Content.ReadAsStringAsync();
        output.WriteLine($"{attack.Name}: {(int)response.StatusCode} in {watch.Elapsed.TotalMilliseconds:F0} ms");
        Assert.True(response.StatusCode == expected, $"{attack.Name} answered {(int)response.StatusCode}: {text}\n{Silo.Tail()}");
        if (text.Length > 0)
            Assert.NotNull(JsonNode.Parse(text)!["title"]);
    }

    private long ResidentBytes()
    {
        var line = File.ReadLines($"/proc/{Silo.Id}/status").Single(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
    }

    public async Task DisposeAsync()
    {
        output.WriteLine(Silo.Tail(30));
        await _lone.DisposeAsync();
    }
}
