using System.CommandLine;
using MicroSeg.Cli.Output;

namespace MicroSeg.Cli.Commands;

/// <summary>nodes: every node with its agent's status (short for get nodes).</summary>
internal static class NodesCommand
{
    public static Command Create(GlobalOptions options, CliEnvironment env)
    {
        var command = new Command("nodes", "Lists every node with its agent status and revisions.");
        command.SetAction((parse, ct) => options.RunAsync(parse, env, async (client, format) =>
        {
            Renderer.Write(env, format, await client.GetAsync(ResourceKind.Nodes.Path, ct), ResourceKind.Nodes.Columns);
            return 0;
        }));
        return command;
    }
}
