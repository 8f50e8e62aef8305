using System.CommandLine;
using System.Text.Json.Nodes;
using MicroSeg.Cli.Output;

namespace MicroSeg.Cli.Commands;

/// <summary>provision: makes a recommendation's policies active as one version; without an id, lists the versions.</summary>
internal static class ProvisionCommand
{
    internal static readonly (string, string)[] Columns =
        [("VERSION", "version"), ("AT", "at"), ("BY", "by"), ("SOURCE", "source"), ("CHANGES", "summary"), ("APPLIED", "applied")];

    public static Command Create(GlobalOptions options, CliEnvironment env)
    {
        var id = new Argument<string?>("recommendation") { Description = "the recommendation to provision; without it, every provisioned version is listed", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("provision", "Makes a recommendation's policies active as one new version (admin), or lists the versions.") { id };
        command.SetAction((parse, ct) => options.RunAsync(parse, env, async (client, format) =>
        {
            var data = parse.GetValue(id) is { } recommendation
                ? await client.PostJsonAsync($"/api/v1/recommendations/{Uri.EscapeDataString(recommendation)}/provision", new JsonObject(), ct)
                : await client.GetAsync("/api/v1/provisions", ct);
            Renderer.Write(env, format, format == OutputFormat.Table ? Summarized(data) : data, Columns);
            return 0;
        }));
        return command;
    }

    /// <summary>Versions with a "summary" of their changes (e.g. "added 3, removed 1") for the table.</summary>
    internal static JsonNode? Summarized(JsonNode? data)
    {
        static JsonNode With(JsonNode version)
        {
            var copy = version.DeepClone().AsObject();
            copy["summary"] = string.Join(", ", (version["changes"]?.AsArray() ?? []).GroupBy(c => (string?)c!["kind"]).Select(g => $"{g.Key} {g.Count()}"));
            return copy;
        }
        return data switch
        {
            JsonArray versions => new JsonArray([.. versions.Select(v => With(v!))]),
            JsonObject version => With(version),
            _ => data,
        };
    }
}
