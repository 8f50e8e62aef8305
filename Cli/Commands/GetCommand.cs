using System.CommandLine;
using MicroSeg.Cli.Output;

namespace MicroSeg.Cli.Commands;

/// <summary>get KIND [NAME]: lists a kind, or reads one object of it.</summary>
internal static class GetCommand
{
    public static Command Create(GlobalOptions options, CliEnvironment env)
    {
        var kind = new Argument<string>("kind") { Description = "workloads, policies, namespaces or nodes" };
        kind.AcceptOnlyFromAmong([.. ResourceKind.All.SelectMany(k => k.Names)]);
        var name = new Argument<string?>("name") { Description = "one object's id or name", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("get", "Lists objects of a kind, or shows one.") { kind, name };
        command.SetAction((parse, ct) => options.RunAsync(parse, env, async (client, format) =>
        {
            var resource = ResourceKind.Find(parse.GetValue(kind)!)!;
            var one = parse.GetValue(name);
            var data = await client.GetAsync(one is null ? resource.Path : resource.ItemPath(one), ct);
            Renderer.Write(env, format, data, resource.Columns);
            return 0;
        }));
        return command;
    }
}
