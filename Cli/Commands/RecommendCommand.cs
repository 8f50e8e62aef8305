using System.CommandLine;
using System.Text.Json.Nodes;
using MicroSeg.Cli.Output;

namespace MicroSeg.Cli.Commands;

/// <summary>recommend: least-privilege policies proposed from the flow history, as drafts.</summary>
internal static class RecommendCommand
{
    private static readonly (string, string)[] Columns =
        [("POLICY", "policy"), ("DIRECTION", "direction"), ("PEER", "peer"), ("PORTS", "ports"), ("CONNECTIONS", "connections"), ("LAST SEEN", "lastSeen")];

    public static Command Create(GlobalOptions options, CliEnvironment env)
    {
        var window = new WindowOptions();
        var keys = new Option<string[]>("--label-key", "-l")
        {
            Description = "a label key that groups workloads (repeatable; default: each workload's app, app.kubernetes.io/name, k8s-app or name label)",
            AllowMultipleArgumentsPerToken = false,
        };
        var command = new Command("recommend", "Proposes one least-privilege allow policy per workload group from recorded flows (drafts: nothing is enforced until 'provision').");
        window.AddTo(command);
        command.Options.Add(keys);
        command.SetAction((parse, ct) => options.RunAsync(parse, env, async (client, format) =>
        {
            var body = new JsonObject();
            window.WriteTo(parse, body, DateTimeOffset.UtcNow);
            if (parse.GetValue(keys) is { Length: > 0 } given)
                body["labelKeys"] = new JsonArray([.. given.Select(k => JsonValue.Create(k))]);
            var recommendation = (await client.PostJsonAsync("/api/v1/recommendations", body, ct))!;
            if (format != OutputFormat.Table)
            {
                Renderer.Write(env, format, recommendation, []);
                return 0;
            }
            var coverage = recommendation["coverage"]!;
            env.Out.WriteLine($"recommendation {recommendation["id"]} ({recommendation["status"]}): {recommendation["policies"]!.AsArray().Count} policies "
                + $"from {coverage["used"]} of {coverage["flows"]} flows ({coverage["denied"]} denied, {coverage["unsupported"]} not decided by policy, "
                + $"{coverage["unknownWorkload"]} of deleted workloads left out{((bool)coverage["truncated"]! ? "; window truncated" : "")}).");
            Renderer.Write(env, format, recommendation["explanations"], Columns);
            env.Out.WriteLine($"next: microsegctl simulate --recommendation {recommendation["id"]}; microsegctl provision {recommendation["id"]}");
            return 0;
        }));
        return command;
    }
}
