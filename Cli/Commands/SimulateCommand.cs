using System.CommandLine;
using System.Text.Json.Nodes;
using MicroSeg.Cli.Manifests;
using MicroSeg.Cli.Output;

namespace MicroSeg.Cli.Commands;

/// <summary>simulate: what enforcing a recommendation (or policies from a file) would do to the recorded flows.</summary>
internal static class SimulateCommand
{
    private static readonly (string, string)[] Columns =
        [("FLOWS", "flows"), ("ALLOWED", "allowed"), ("DENIED", "denied"), ("CHANGED", "changed"), ("NEWLY DENIED", "newlyDenied"), ("NEWLY ALLOWED", "newlyAllowed"), ("SKIPPED", "skipped")];

    private static readonly (string, string)[] ExampleColumns =
        [("SRC", "src"), ("DST", "dst"), ("PORT", "port"), ("TODAY", "today"), ("SIMULATED", "simulated"), ("DECISION", "decision")];

    public static Command Create(GlobalOptions options, CliEnvironment env)
    {
        var window = new WindowOptions();
        var recommendation = new Option<string?>("--recommendation", "-r") { Description = "the recommendation to simulate" };
        var file = new Option<string?>("--file", "-f") { Description = "policies to simulate: a YAML or JSON file of one or more policies (as for apply)" };
        var command = new Command("simulate", "Replays recorded flows against today's active policies and against the given ones; changes nothing.");
        window.AddTo(command);
        command.Options.Add(recommendation);
        command.Options.Add(file);
        command.SetAction((parse, ct) => options.RunAsync(parse, env, async (client, format) =>
        {
            var body = new JsonObject();
            window.WriteTo(parse, body, DateTimeOffset.UtcNow);
            switch (parse.GetValue(recommendation), parse.GetValue(file))
            {
                case ({ } id, null):
                    body["recommendation"] = id;
                    break;
                case (null, { } path):
                    body["policies"] = new JsonArray([.. ReadPolicies(path)]);
                    break;
                default:
                    throw new CliException("give either --recommendation ID or --file FILE.");
            }
            var result = (await client.PostJsonAsync("/api/v1/simulate", body, ct))!;
            if (format != OutputFormat.Table)
            {
                Renderer.Write(env, format, result, []);
                return 0;
            }
            Renderer.Write(env, format, result, Columns);
            if (result["changedExamples"] is JsonArray { Count: > 0 } changed)
            {
                env.Out.WriteLine("changed verdicts (examples):");
                Renderer.Write(env, format, new JsonArray([.. changed.Select(Example)]), ExampleColumns);
            }
            return (long)result["newlyDenied"]! > 0 ? 2 : 0;
        }));
        return command;
    }

    private static JsonObject[] ReadPolicies(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (IOException ex)
        {
            throw new CliException($"--file: cannot read {path}: {ex.Message}");
        }
        return [.. ManifestFile.Read(path, text).Select(d =>
        {
            var policy = (JsonObject)d.DeepClone();
            policy.Remove("kind");
            return policy;
        })];
    }

    private static JsonObject Example(JsonNode? example) => new()
    {
        ["src"] = example!["flow"]!["src"]!["workload"]?.DeepClone() ?? example["flow"]!["src"]!["address"]!.DeepClone(),
        ["dst"] = example["flow"]!["dst"]!["workload"]?.DeepClone() ?? example["flow"]!["dst"]!["address"]!.DeepClone(),
        ["port"] = $"{example["flow"]!["protocol"]}/{example["flow"]!["dst"]!["port"]}",
        ["today"] = example["today"]!.DeepClone(),
        ["simulated"] = example["simulated"]!.DeepClone(),
        ["decision"] = example["decision"]!.DeepClone(),
    };
}
