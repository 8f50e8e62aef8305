using System.CommandLine;

namespace MicroSeg.Cli.Commands;

/// <summary>delete KIND NAME: removes one workload, policy or namespace.</summary>
internal static class DeleteCommand
{
    public static Command Create(GlobalOptions options, CliEnvironment env)
    {
        var deletable = new[] { ResourceKind.Workloads, ResourceKind.Policies, ResourceKind.Namespaces };
        var kind = new Argument<string>("kind") { Description = "workload, policy or namespace" };
        kind.AcceptOnlyFromAmong([.. deletable.SelectMany(k => k.Names)]);
        var name = new Argument<string>("name") { Description = "the object's id or name" };
        var command = new Command("delete", "Removes a workload, policy or namespace.") { kind, name };
        command.SetAction((parse, ct) => options.RunAsync(parse, env, async (client, _) =>
        {
            var resource = ResourceKind.Find(parse.GetValue(kind)!)!;
            var id = parse.GetValue(name)!;
            await client.DeleteAsync(resource.ItemPath(id), ct);
            await env.Out.WriteLineAsync($"{resource.Singular}/{id} deleted");
            return 0;
        }));
        return command;
    }
}
