using System.CommandLine;
using MicroSeg.Bpf;
using MicroSeg.Grains.Interfaces.Validation;

namespace MicroSeg.NodeAgent.Hosting;

/// <summary>
/// <c>microseg-agent accept-control-plane --node NAME</c>: the operator's local decision that the node's agent may
/// apply whatever the control plane offers next, for when the cluster is unreachable from the operator or the
/// API is not an option. It forgets the record of what was applied (pinned ms_control_plane), so the running
/// agent (within seconds) or the next one to start treats the next offer as a fresh node would.
/// </summary>
internal static class AcceptControlPlaneCommand
{
    public static Command Create(AgentOptions defaults)
    {
        var node = new Option<string>("--node") { Description = "name of this node, as the agent runs with", Required = true };
        var pinRoot = new Option<string>("--pin-root") { Description = "bpffs folder of pinned maps, as the agent runs with", DefaultValueFactory = _ => defaults.PinRoot };
        var command = new Command("accept-control-plane",
            "Lets the agent apply the state it holds back (another cluster identity, or far emptier than what it enforces). " +
            "Same effect as POST /api/v1/nodes/{node}/accept.")
        {
            node, pinRoot,
        };
        command.SetAction(parse => Run(parse.GetValue(node)!, parse.GetValue(pinRoot)!));
        return command;
    }

    private static int Run(string node, string pinRoot)
    {
        if (NameRules.CheckId(node, "--node") is { } error)
        {
            Console.Error.WriteLine($"microseg-agent: {error}");
            return 2;
        }
        var directory = Path.Combine(pinRoot, node);
        try
        {
            var before = PinnedControlPlane.Read(directory);
            PinnedControlPlane.Forget(directory);
            Console.WriteLine(before.IsEmpty
                ? $"Node {node}: no applied control plane was remembered; the agent applies the next state it is offered."
                : $"Node {node}: forgot cluster identity {before.Cluster:D} (revision {before.Revision}, {before.Entries} entries); the agent applies the next state it is offered.");
            return 0;
        }
        catch (BpfException ex)
        {
            Console.Error.WriteLine($"microseg-agent: cannot reach the pinned state of node {node} in {directory}: {ex.Message}");
            return 1;
        }
    }
}
