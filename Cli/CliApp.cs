using System.CommandLine;
using MicroSeg.Cli.Commands;

namespace MicroSeg.Cli;

/// <summary>The microsegctl command tree.</summary>
internal static class CliApp
{
    public static RootCommand Create(CliEnvironment env)
    {
        var options = new GlobalOptions();
        var root = new RootCommand("microsegctl: manage a MicroSeg cluster through its REST API.");
        options.AddTo(root);
        root.Subcommands.Add(GetCommand.Create(options, env));
        root.Subcommands.Add(ApplyCommand.Create(options, env));
        root.Subcommands.Add(DeleteCommand.Create(options, env));
        root.Subcommands.Add(NodesCommand.Create(options, env));
        root.Subcommands.Add(RecommendCommand.Create(options, env));
        root.Subcommands.Add(SimulateCommand.Create(options, env));
        root.Subcommands.Add(ProvisionCommand.Create(options, env));
        root.Subcommands.Add(RevertCommand.Create(options, env));
        root.Subcommands.Add(FlowsCommand.Create(options, env));
        root.Subcommands.Add(TopologyCommand.Create(options, env));
        root.Subcommands.Add(WhyCommand.Create(options, env));
        return root;
    }

    public static Task<int> RunAsync(string[] args, CliEnvironment env, CancellationToken ct) =>
        Create(env).Parse(args).InvokeAsync(new InvocationConfiguration { Output = env.Out, Error = env.Error }, ct);
}
