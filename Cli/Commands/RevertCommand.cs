using System.CommandLine;
using System.Globalization;
using MicroSeg.Cli.Output;

namespace MicroSeg.Cli.Commands;

/// <summary>revert VERSION: restores the policies that version and later ones changed, as a new version.</summary>
internal static class RevertCommand
{
    public static Command Create(GlobalOptions options, CliEnvironment env)
    {
        var version = new Argument<long>("version") { Description = "the provisioned version to undo (with every later one)" };
        var command = new Command("revert", "Restores every policy that VERSION or a later version changed to its state before VERSION (admin).") { version };
        command.SetAction((parse, ct) => options.RunAsync(parse, env, async (client, format) =>
        {
            var number = parse.GetValue(version).ToString(CultureInfo.InvariantCulture);
            var reverted = await client.PostJsonAsync($"/api/v1/provisions/{number}/revert", new System.Text.Json.Nodes.JsonObject(), ct);
            Renderer.Write(env, format, format == OutputFormat.Table ? ProvisionCommand.Summarized(reverted) : reverted, ProvisionCommand.Columns);
            return 0;
        }));
        return command;
    }
}
