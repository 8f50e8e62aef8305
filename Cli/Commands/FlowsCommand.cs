using System.CommandLine;
using System.Text.Json.Nodes;
using MicroSeg.Cli.Output;

namespace MicroSeg.Cli.Commands;

/// <summary>flows: the flow history, newest first, with the API's filters; --follow streams new flows until Ctrl-C.</summary>
internal static class FlowsCommand
{
    /// <summary>Table columns over a flattened flow (see <see cref="Flatten"/>).</summary>
    internal static readonly (string Header, string Property)[] Columns =
    [
        ("LAST SEEN", "lastSeen"), ("NODE", "node"), ("SRC", "src"), ("DST", "dst"), ("PORT", "port"), ("PROTO", "protocol"),
        ("VERDICT", "verdict"), ("POLICY", "policy"), ("REASON", "reason"), ("CONNS", "connections"),
    ];

    /// <summary>Query filters, named as the API's parameters.</summary>
    private static readonly string[] Filters = ["src", "dst", "namespace", "verdict", "policy", "since", "until"];

    public static Command Create(GlobalOptions options, CliEnvironment env)
    {
        var filters = Filters.Select(f => new Option<string?>($"--{f}") { Description = Describe(f) }).ToArray();
        var limit = new Option<int?>("--limit") { Description = "at most this many flows (the API's default when unset)" };
        var follow = new Option<bool>("--follow", "-f") { Description = "stream new flows as they are reported, until Ctrl-C" };
        var command = new Command("flows", "Shows observed flows (newest first) with their verdict and deciding policy.") { limit, follow };
        foreach (var filter in filters)
            command.Options.Add(filter);
        command.SetAction((parse, ct) => options.RunAsync(parse, env, async (client, format) =>
        {
            var query = filters.Select(f => (Name: f.Name.TrimStart('-'), Value: parse.GetValue(f)))
                .Where(q => !string.IsNullOrEmpty(q.Value)).Select(q => $"{q.Name}={Uri.EscapeDataString(q.Value!)}").ToList();
            if (parse.GetValue(limit) is { } n)
                query.Add($"limit={n}");
            if (!parse.GetValue(follow))
            {
                var page = await client.GetAsync(Path(query), ct);
                var items = page?["items"] as JsonArray ?? [];
                Renderer.Write(env, format, format == OutputFormat.Table ? new JsonArray([.. items.Select(Flatten)]) : items, Columns);
                return 0;
            }
            query.Add("follow=true");
            try
            {
                await foreach (var flow in client.StreamAsync(Path(query), ct))
                {
                    // One line per flow, so the output can be piped (grep, jq) while it grows.
                    env.Out.WriteLine(format switch
                    {
                        OutputFormat.Json => flow.ToJsonString(),
                        OutputFormat.Yaml => "---\n" + Renderer.ToYaml(flow).TrimEnd(),
                        _ => string.Join("  ", Columns.Select(c => Renderer.Cell(Flatten(flow)[c.Property]))),
                    });
                    await env.Out.FlushAsync(ct);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // Ctrl-C ends a follow: not an error.
            }
            return 0;
        }));
        return command;
    }

    private static string Path(List<string> query) => query.Count == 0 ? "api/v1/flows" : $"api/v1/flows?{string.Join('&', query)}";

    private static string Describe(string filter) => filter switch
    {
        "src" or "dst" => $"only flows whose {filter} workload, namespace/workload or address matches",
        "verdict" => "allow, deny or would-deny",
        "since" or "until" => $"{filter} this time (RFC 3339) or this long ago (e.g. 15m)",
        _ => $"only flows of this {filter}",
    };

    /// <summary>A flow with its ends as "workload (address)" text, for a table row.</summary>
    internal static JsonObject Flatten(JsonNode? flow)
    {
        static string End(JsonNode? end) => end?["workload"]?.GetValue<string>() is { } w ? $"{w} ({end["address"]})" : end?["address"]?.ToString() ?? "";
        var row = new JsonObject();
        foreach (var (key, value) in flow?.AsObject() ?? [])
            row[key] = value?.DeepClone();
        row["src"] = End(flow?["src"]);
        row["dst"] = End(flow?["dst"]);
        row["port"] = flow?["dst"]?["port"]?.DeepClone();
        return row;
    }
}
