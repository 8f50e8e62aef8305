using System.CommandLine;
using MicroSeg.Bpf;
using MicroSeg.Grains.Interfaces.Validation;
using MicroSeg.NodeAgent.Interfaces;

namespace MicroSeg.NodeAgent.Hosting;

/// <summary>
/// <c>microseg-agent uninstall</c>: the one way to remove enforcement from a node. An agent that stops
/// for any reason leaves its programs attached and its maps pinned, so the node stays protected;
/// this detaches our filters from every interface the pinned endpoints map names and removes the
/// pinned maps (and with them the connection state).
/// </summary>
internal static class UninstallCommand
{
    public static Command Create(AgentOptions defaults)
    {
        var pinRoot = new Option<string>("--pin-root") { Description = "bpffs folder of the pinned maps (a sub-folder per node)", DefaultValueFactory = _ => defaults.PinRoot };
        var node = new Option<string?>("--node") { Description = "remove only this node's programs and maps (default: every node under --pin-root)" };
        var command = new Command("uninstall",
            "Remove MicroSeg's enforcement from this host: detach the programs from the interfaces recorded in the pinned state and delete the pinned maps. " +
            "Stop the agent first (it would attach again); traffic is then no longer filtered.")
        {
            pinRoot, node,
        };
        command.SetAction(parse => Run(parse.GetValue(pinRoot)!, parse.GetValue(node), Console.Out, Console.Error));
        return command;
    }

    public static int Run(string pinRoot, string? node, TextWriter output, TextWriter error)
    {
        if (node is not null && NameRules.CheckId(node, "--node") is { } nodeError)
        {
            error.WriteLine($"microseg-agent uninstall: {nodeError}");
            return 2;
        }
        if (!Directory.Exists(pinRoot))
        {
            output.WriteLine($"Nothing to uninstall: {pinRoot} does not exist.");
            return 0;
        }
        var names = RouteNetlink.ListLinks().Values.ToDictionary(l => l.Index, l => l.Name);
        var failed = false;
        foreach (var directory in node is null ? Directory.GetDirectories(pinRoot) : [Path.Combine(pinRoot, node)])
        {
            try
            {
                var result = DatapathUninstall.Run(directory);
                var detached = result.DetachedInterfaces.Select(i => $"{names.GetValueOrDefault(i, "?")} (ifindex {i})").ToList();
                output.WriteLine(result.PinDirectoryRemoved
                    ? $"Node {Path.GetFileName(directory)}: detached from {(detached.Count == 0 ? "no interface" : string.Join(", ", detached))}; removed {directory}."
                    : $"Node {Path.GetFileName(directory)}: nothing pinned at {directory}.");
            }
            catch (Exception ex) when (ex is BpfException or IOException or UnauthorizedAccessException)
            {
                error.WriteLine($"microseg-agent uninstall: {directory}: {ex.Message}");
                failed = true;
            }
        }
        if (node is null && !failed && Directory.GetFileSystemEntries(pinRoot).Length == 0)
            Directory.Delete(pinRoot);
        return failed ? 1 : 0;
    }
}
