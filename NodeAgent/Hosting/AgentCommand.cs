using System.CommandLine;
using MicroSeg.Grains.Interfaces.Validation;
using MicroSeg.Hosting;
using MicroSeg.NodeAgent.Hosting.Gateways;

namespace MicroSeg.NodeAgent.Hosting;

/// <summary>The microseg-agent command line.</summary>
internal static class AgentCommand
{
    public static RootCommand Create()
    {
        var defaults = new AgentOptions();
        var node = new Option<string>("--node") { Description = "name of this node (workloads name it in their 'node' field)", Required = true };
        var gateway = new Option<string>("--gateway") { Description = "silo gateway(s) as HOST:PORT[,HOST:PORT...]; a host name stands for all its addresses, resolved again every --gateway-refresh", Required = true };
        var gatewayRefresh = new Option<string>("--gateway-refresh")
        {
            Description = "how often gateway host names are resolved again (silos that moved are followed), e.g. 10s, 1m",
            DefaultValueFactory = _ => "10s",
        };
        var bpfObject = new Option<string>("--bpf-object") { Description = "compiled data-plane object", DefaultValueFactory = _ => defaults.BpfObject };
        var pinRoot = new Option<string>("--pin-root") { Description = "bpffs folder for pinned maps (a sub-folder per node)", DefaultValueFactory = _ => defaults.PinRoot };
        var conntrack = new Option<uint>("--conntrack-entries") { Description = "conntrack size: flows of each address family (IPv4 and IPv6 maps alike)", DefaultValueFactory = _ => defaults.ConntrackEntries };
        var interfaces = new Option<string>("--interfaces")
        {
            Description = "device-name globs ('*', '?'; comma-separated) the agent may attach to besides veth devices, e.g. 'eth1,bond*'; other devices are refused",
        };

        var metrics = new Option<string?>("--metrics-listen", "--metrics")
        {
            Description = "HOST:PORT to serve Prometheus metrics on (GET /metrics); 'off' for none",
            DefaultValueFactory = _ => defaults.Metrics,
        };
        var flowInterval = new Option<string>("--flow-interval")
        {
            Description = "how long flow events are summed before they go to the control plane, e.g. 5s, 500ms, 1m",
            DefaultValueFactory = _ => "5s",
        };
        var logFormat = new Option<string>("--log-format") { Description = "console log format: simple, or json (one object per line, for log collectors)", DefaultValueFactory = _ => defaults.LogFormat };
        logFormat.AcceptOnlyFromAmong(ConsoleLogFormat.Names);

        var flowEventLimit = new Option<uint>("--flow-event-limit")
        {
            Description = "flow events per second each CPU may emit (0 = no limit); further ones are counted as suppressed",
            DefaultValueFactory = _ => defaults.FlowEventsPerSecond,
        };

        var tlsDir = new Option<string>("--tls-dir")
        {
            Description = "directory with ca.crt, agent.crt and agent.key, this node's certificate (microseg-silo certs issue --role agent)",
            DefaultValueFactory = _ => defaults.TlsDirectory!,
        };
        var noTls = new Option<bool>("--no-tls") { Description = "reach gateways in plain text without a certificate (only a silo run with --no-tls accepts it)" };

        var root = new RootCommand(
            "MicroSeg node agent: receives this node's rules from the cluster and programs the eBPF data plane. " +
            "Stopping it leaves the programs and pinned maps enforcing the last rules; 'uninstall' removes them.")
        {
            node, gateway, gatewayRefresh, bpfObject, pinRoot, conntrack, interfaces, metrics, flowInterval, flowEventLimit, tlsDir, noTls, UninstallCommand.Create(defaults),
        };
        root.Subcommands.Add(AcceptControlPlaneCommand.Create(defaults));
        root.Options.Add(logFormat);
        root.SetAction((parse, cancellationToken) =>
        {
            var options = defaults with
            {
                Node = parse.GetValue(node)!,
                Gateways = parse.GetValue(gateway)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                BpfObject = Path.GetFullPath(parse.GetValue(bpfObject)!),
                PinRoot = parse.GetValue(pinRoot)!,
                ConntrackEntries = parse.GetValue(conntrack),
                Interfaces = (parse.GetValue(interfaces) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                Metrics = parse.GetValue(metrics) is "off" or "" ? null : parse.GetValue(metrics),
                FlowEventsPerSecond = parse.GetValue(flowEventLimit),
                TlsDirectory = parse.GetValue(noTls) ? null : Path.GetFullPath(parse.GetValue(tlsDir)!),
                NoTls = parse.GetValue(noTls),
                LogFormat = parse.GetValue(logFormat)!,
            };
            if (Durations.TryParse(parse.GetValue(flowInterval)!, out var interval) && interval >= TimeSpan.FromMilliseconds(100) && interval <= TimeSpan.FromMinutes(10))
                options = options with { FlowInterval = interval };
            else
            {
                Console.Error.WriteLine($"microseg-agent: --flow-interval '{parse.GetValue(flowInterval)}' is not a duration from 100ms to 10m, e.g. 5s.");
                return Task.FromResult(2);
            }
            if (Durations.TryParse(parse.GetValue(gatewayRefresh)!, out var refresh) && refresh >= TimeSpan.FromSeconds(1) && refresh <= TimeSpan.FromMinutes(10))
                options = options with { GatewayRefresh = refresh };
            else
            {
                Console.Error.WriteLine($"microseg-agent: --gateway-refresh '{parse.GetValue(gatewayRefresh)}' is not a duration from 1s to 10m, e.g. 10s.");
                return Task.FromResult(2);
            }
            if (Validate(options) is { } error)
            {
                Console.Error.WriteLine($"microseg-agent: {error}");
                return Task.FromResult(2);
            }
            return AgentHost.RunAsync(options, cancellationToken);
        });
        return root;
    }

    private static string? Validate(AgentOptions options)
    {
        if (NameRules.CheckId(options.Node, "--node") is { } nodeError)
            return nodeError;
        if (options.Gateways.Count == 0)
            return "--gateway needs at least one HOST:PORT.";
        foreach (var g in options.Gateways)
        {
            if (GatewayEntry.TryParse(g, out var gatewayError) is null)
                return gatewayError;
        }
        if (!File.Exists(options.BpfObject))
            return $"--bpf-object '{options.BpfObject}' does not exist; build it with 'make bpf'.";
        foreach (var pattern in options.Interfaces)
        {
            if (Interfaces.InterfaceAllowList.CheckPattern(pattern) is { } patternError)
                return patternError;
        }
        if (options.Metrics is { } m && (m.LastIndexOf(':') is var c && (c <= 0 || !int.TryParse(m.AsSpan(c + 1), out var p) || p is < 1 or > 65535)))
            return $"--metrics-listen '{m}' is not HOST:PORT with a port in 1-65535.";
        if (options.FlowEventsPerSecond > 100_000_000)
            return $"--flow-event-limit {options.FlowEventsPerSecond} is too large; use at most 100000000 (0 = no limit).";
        if (options.ConntrackEntries < 1024)
            return $"--conntrack-entries {options.ConntrackEntries} is too small; use at least 1024.";
        return null;
    }
}
