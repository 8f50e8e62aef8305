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
        var conntrack = new Option<uint>("--conntrack-entries") { Description = "IPv4 conntrack size: flows the IPv4 map holds", DefaultValueFactory = _ => defaults.ConntrackEntries };
        var conntrackIPv6 = new Option<uint?>("--conntrack-entries-ipv6")
        {
            Description = "IPv6 conntrack size: flows the IPv6 map holds (default a quarter of --conntrack-entries, at least 1024)",
        };
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
            node, gateway, gatewayRefresh, bpfObject, pinRoot, conntrack, conntrackIPv6, interfaces, metrics, flowInterval, flowEventLimit, tlsDir, noTls, UninstallCommand.Create(defaults),
        };
        root.Subcommands.Add(AcceptControlPlaneCommand.Create(defaults));
        root.Options.Add(logFormat);
        root.SetAction((parse, cancellationToken) =>
            Read(parse, Console.Error) is { } options ? AgentHost.RunAsync(options, cancellationToken) : Task.FromResult(2));
        return root;
    }

    /// <summary>
    /// The agent's settings from a parse of its command line (<see cref="Create"/>), or null after writing to
    /// <paramref name="error"/> the first bad option, named.
    /// </summary>
    internal static AgentOptions? Read(ParseResult parse, TextWriter error)
    {
        var defaults = new AgentOptions();
        var metrics = parse.GetValue<string?>("--metrics-listen");
        var noTls = parse.GetValue<bool>("--no-tls");
        var options = defaults with
        {
            Node = parse.GetValue<string>("--node")!,
            Gateways = parse.GetValue<string>("--gateway")!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            BpfObject = Path.GetFullPath(parse.GetValue<string>("--bpf-object")!),
            PinRoot = parse.GetValue<string>("--pin-root")!,
            ConntrackEntries = parse.GetValue<uint>("--conntrack-entries"),
            ConntrackEntriesIPv6 = parse.GetValue<uint?>("--conntrack-entries-ipv6"),
            Interfaces = (parse.GetValue<string?>("--interfaces") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            Metrics = metrics is "off" or "" ? null : metrics,
            FlowEventsPerSecond = parse.GetValue<uint>("--flow-event-limit"),
            TlsDirectory = noTls ? null : Path.GetFullPath(parse.GetValue<string>("--tls-dir")!),
            NoTls = noTls,
            LogFormat = parse.GetValue<string>("--log-format")!,
        };
        var flowInterval = parse.GetValue<string>("--flow-interval")!;
        if (Durations.TryParse(flowInterval, out var interval) && interval >= TimeSpan.FromMilliseconds(100) && interval <= TimeSpan.FromMinutes(10))
            options = options with { FlowInterval = interval };
        else
            return Fail(error, $"--flow-interval '{flowInterval}' is not a duration from 100ms to 10m, e.g. 5s.");
        var gatewayRefresh = parse.GetValue<string>("--gateway-refresh")!;
        if (Durations.TryParse(gatewayRefresh, out var refresh) && refresh >= TimeSpan.FromSeconds(1) && refresh <= TimeSpan.FromMinutes(10))
            options = options with { GatewayRefresh = refresh };
        else
            return Fail(error, $"--gateway-refresh '{gatewayRefresh}' is not a duration from 1s to 10m, e.g. 10s.");
        return Validate(options) is { } problem ? Fail(error, problem) : options;
    }

    private static AgentOptions? Fail(TextWriter error, string message)
    {
        error.WriteLine($"microseg-agent: {message}");
        return null;
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
        if (options.ConntrackEntries < AgentOptions.MinConntrackEntries)
            return $"--conntrack-entries {options.ConntrackEntries} is too small; use at least {AgentOptions.MinConntrackEntries}.";
        if (options.ConntrackEntriesIPv6 < AgentOptions.MinConntrackEntries)
            return $"--conntrack-entries-ipv6 {options.ConntrackEntriesIPv6} is too small; use at least {AgentOptions.MinConntrackEntries}.";
        return null;
    }
}
