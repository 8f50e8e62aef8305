using System.Text.Json;
using MicroSeg.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace MicroSeg.EndToEnd.Tests;

/// <summary>
/// --log-format json on a real silo and a real agent enforcing a pod on a veth: every event about the pod's
/// interface carries the node and the interface as fields, and every event about a policy carries its id, so a
/// collector can select them without parsing messages.
/// </summary>
public sealed class StructuredLogFieldsTests(ITestOutputHelper output)
{
    [Fact]
    public async Task JsonLogs_EventsAboutAnInterfaceOrAPolicy_CarryNodeInterfaceAndPolicyIdFields()
    {
        await using var system = await MicroSegSystem.StartAsync(output, "--log-format", "json");
        var pod = system.AddPod("a", "198.18.0.1/24", 80);
        var node = system.NodeName("logs");
        system.StartAgent(node, "--log-format", "json");
        await system.RegisterAsync(node, "a", pod);
        var policyId = $"logs-{Guid.NewGuid():N}"[..20];
        await system.Api.SendOkAsync(HttpMethod.Post, "/api/v1/policies", new
        {
            id = policyId,
            selector = new { matchLabels = new Dictionary<string, string> { ["app"] = "a" } },
            ingress = Array.Empty<object>(),
        });
        await system.ConvergeAsync();
        await system.Api.SendOkAsync(HttpMethod.Delete, $"/api/v1/policies/{policyId}");
        // The workload goes: the agent detaches from its interface, a second event about it.
        await system.Api.SendOkAsync(HttpMethod.Delete, "/api/v1/workloads/a");
        await system.ConvergeAsync();

        var agent = system.Agent(node);
        var agentEvents = await WaitForEventsAsync(agent, events => events.Any(e => e.EventId == 3103 && e.Field("Interface") == pod.HostInterface));
        var aboutInterface = agentEvents.Where(e => e.Message.Contains(pod.HostInterface, StringComparison.Ordinal)).ToList();
        Assert.Contains(aboutInterface, e => e.EventId == 3102); // attached
        Assert.Contains(aboutInterface, e => e.EventId == 3103); // detached
        Assert.All(aboutInterface, e =>
        {
            Assert.True(e.Field("Interface") == pod.HostInterface, $"no Interface field: {e.Line}");
            Assert.True(e.Field("Node") == node, $"no Node field: {e.Line}");
        });
        // Every agent event names its node, whatever it is about.
        Assert.All(agentEvents, e => Assert.True(e.Field("Node") == node, $"no Node field: {e.Line}"));

        var siloEvents = await WaitForEventsAsync(system.Silo, events => events.Any(e => e.EventId == 2106 && e.Field("PolicyId") == policyId));
        var aboutPolicy = siloEvents.Where(e => e.Message.Contains(policyId, StringComparison.Ordinal)).ToList();
        Assert.Contains(aboutPolicy, e => e.EventId == 2104); // created
        Assert.Contains(aboutPolicy, e => e.EventId == 2106); // deleted
        Assert.All(aboutPolicy, e => Assert.True(e.Field("PolicyId") == policyId, $"no PolicyId field: {e.Line}"));
        // The node grain's events about this node name it as a field too.
        Assert.All(siloEvents.Where(e => e.Message.Contains(node, StringComparison.Ordinal)), e => Assert.True(e.Field("Node") == node, $"no Node field: {e.Line}"));
    }

    /// <summary>The process's JSON lines so far, once <paramref name="done"/> holds (the console logger writes from a queue).</summary>
    private static async Task<List<LogEvent>> WaitForEventsAsync(ChildProcess process, Func<List<LogEvent>, bool> done)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var events = process.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Where(line => line.StartsWith('{')).Select(LogEvent.Parse).ToList();
            if (done(events))
                return events;
            Assert.True(DateTime.UtcNow < deadline, $"the expected events did not appear\n{process.Tail(80)}");
            await Task.Delay(100);
        }
    }

    /// <summary>One --log-format json line: its named fields are under State, scope fields in the Scopes array.</summary>
    private sealed record LogEvent(string Line, int EventId, string Message, JsonElement Root)
    {
        public static LogEvent Parse(string line)
        {
            var root = JsonDocument.Parse(line).RootElement;
            return new LogEvent(line, root.TryGetProperty("EventId", out var id) ? id.GetInt32() : 0, root.GetProperty("Message").GetString()!, root);
        }

        /// <summary>A field of the event, or of one of its scopes; null when neither has it.</summary>
        public string? Field(string name)
        {
            if (Root.TryGetProperty("State", out var state) && state.ValueKind == JsonValueKind.Object && state.TryGetProperty(name, out var value))
                return value.ToString();
            if (Root.TryGetProperty("Scopes", out var scopes))
            {
                foreach (var scope in scopes.EnumerateArray())
                {
                    if (scope.ValueKind == JsonValueKind.Object && scope.TryGetProperty(name, out var scoped))
                        return scoped.ToString();
                }
            }
            return null;
        }
    }
}
