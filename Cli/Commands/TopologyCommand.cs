using System.CommandLine;
using System.Text.Json.Nodes;
using MicroSeg.Cli.Output;

namespace MicroSeg.Cli.Commands;

/// <summary>topology: who talks to whom, as edges with ports, verdict counts and deciding policies.</summary>
internal static class TopologyCommand
{
    private static readonly (string Header, string Property)[] Columns =
    [
        ("SRC", "src"), ("DST", "dst"), ("PORTS", "ports"), ("ALLOW", "allow"), ("DENY", "deny"), ("WOULD-DENY", "would-deny"),
        ("POLICIES", "policies"), ("LAST SEEN", "lastSeen"),
    ];

    public static Command Create(GlobalOptions options, CliEnvironment env)
    {
        var level = new Option<string>("--level") { Description = "group by workload, app or namespace", DefaultValueFactory = _ => "workload" };
        level.AcceptOnlyFromAmong("workload", "app", "namespace");
        var label = new Option<string?>("--label") { Description = "the label key that makes an app at --level app (default: app)" };
        var since = new Option<string?>("--since") { Description = "only edges seen since this time (RFC 3339) or this long ago (e.g. 1h)" };
        var command = new Command("topology", "Shows the traffic graph: one row per edge, with ports, verdicts and policies.") { level, label, since };
        command.SetAction((parse, ct) => options.RunAsync(parse, env, async (client, format) =>
        {
            var query = new List<string> { $"level={parse.GetValue(level)}" };
            if (parse.GetValue(label) is { Length: > 0 } l)
                query.Add($"label={Uri.EscapeDataString(l)}");
            if (parse.GetValue(since) is { Length: > 0 } s)
                query.Add($"since={Uri.EscapeDataString(s)}");
            var graph = await client.GetAsync($"api/v1/topology?{string.Join('&', query)}", ct);
            if (format != OutputFormat.Table)
            {
                Renderer.Write(env, format, graph, Columns);
                return 0;
            }
            var edges = graph?["edges"] as JsonArray ?? [];
            Renderer.Write(env, format, new JsonArray([.. edges.Select(Row)]), Columns);
            return 0;
        }));
        return command;
    }

    /// <summary>An edge with its verdict counts as columns of their own.</summary>
    private static JsonObject Row(JsonNode? edge)
    {
        var row = new JsonObject();
        foreach (var (key, value) in edge?.AsObject() ?? [])
            row[key] = value?.DeepClone();
        foreach (var (verdict, count) in edge?["verdicts"]?.AsObject() ?? [])
            row[verdict] = count?.DeepClone();
        return row;
    }
}
