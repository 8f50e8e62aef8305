using System.CommandLine;
using System.Text.Json.Nodes;
using MicroSeg.Cli.Output;

namespace MicroSeg.Cli.Commands;

/// <summary>why SRC DST PORT/PROTO: would a new connection pass, and which policy rule decides it (GET /api/v1/why).</summary>
internal static class WhyCommand
{
    private static readonly (string Header, string Property)[] Columns =
    [
        ("SIDE", "direction"), ("WORKLOAD", "workload"), ("RESULT", "result"), ("REASON", "reason"), ("RULE", "rule"), ("MODE", "mode"),
    ];

    public static Command Create(GlobalOptions options, CliEnvironment env)
    {
        var src = new Argument<string>("src") { Description = "source: a workload id or an IP address" };
        var dst = new Argument<string>("dst") { Description = "destination: a workload id or an IP address" };
        var port = new Argument<string>("port") { Description = "PORT/PROTO, e.g. 80/tcp, 53/udp, or icmp" };
        var command = new Command("why", "Explains whether SRC may open a connection to DST on PORT/PROTO, and the deciding policy.") { src, dst, port };
        command.SetAction((parse, ct) => options.RunAsync(parse, env, async (client, format) =>
        {
            var (number, protocol) = ParsePort(parse.GetValue(port)!);
            var query = $"src={Uri.EscapeDataString(parse.GetValue(src)!)}&dst={Uri.EscapeDataString(parse.GetValue(dst)!)}&protocol={protocol}"
                + (number is null ? "" : $"&port={number}");
            var answer = await client.GetAsync($"api/v1/why?{query}", ct);
            if (format != OutputFormat.Table)
            {
                Renderer.Write(env, format, answer, Columns);
                return 0;
            }
            env.Out.WriteLine(answer?["summary"]?.GetValue<string>());
            var sides = new JsonArray();
            foreach (var side in new[] { answer?["egress"], answer?["ingress"] }.OfType<JsonObject>())
            {
                var row = (JsonObject)side.DeepClone();
                row["result"] = side["wouldDeny"]?.GetValue<bool>() == true ? "would-deny" : side["allowed"]?.GetValue<bool>() == true ? "allow" : "deny";
                sides.Add(row);
            }
            Renderer.Write(env, format, sides, Columns);
            return 0;
        }));
        return command;
    }

    /// <summary>"80/tcp" → (80, TCP); "80" → (80, TCP); "icmp" → (null, ICMP). The API checks the values and names what is wrong.</summary>
    internal static (string? Port, string Protocol) ParsePort(string text)
    {
        var parts = text.Split('/', 2);
        if (parts.Length == 1)
            return int.TryParse(parts[0], out _) ? (parts[0], "TCP") : (null, parts[0].ToUpperInvariant());
        return (parts[0], parts[1].ToUpperInvariant());
    }
}
