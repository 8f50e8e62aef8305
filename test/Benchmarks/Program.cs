using BenchmarkDotNet.Running;
using MicroSeg.Benchmarks.Datapath;

// "datapath ...": kernel-timed data-plane benchmarks and the iperf3 attach helper.
if (args is ["datapath", .. var datapathArgs])
    return DatapathBenchCommand.Run(datapathArgs);

// "policy-latency ...": REST label change to rule delivery on every node, p50/p99.
if (args is ["policy-latency", .. var latencyArgs])
    return await MicroSeg.Benchmarks.Policy.PolicyLatencyCommand.RunAsync(latencyArgs);
// "latency-agents ...": the agents of policy-latency in a process of their own (started by it).
if (args is ["latency-agents", .. var agentArgs])
    return await MicroSeg.Benchmarks.Policy.LatencyAgentsCommand.RunAsync(agentArgs);
// "networkpolicy-import ...": documents/s of a many-document NetworkPolicy POST beside PUT one by one.
if (args is ["networkpolicy-import", .. var importArgs])
    return await MicroSeg.Benchmarks.Policy.NetworkPolicyImportCommand.RunAsync(importArgs);

// "grain-calls ...": Orleans grain calls/s and latency, local, cross-silo and from an external client.
if (args is ["grain-calls", .. var callArgs])
    return await MicroSeg.Benchmarks.Calls.GrainCallsCommand.RunAsync(callArgs);

// "flows ...": connections the flow pipeline accounts for under load, visibility delay, history bytes per row.
if (args is ["flows", .. var flowArgs])
    return await MicroSeg.Benchmarks.Flows.FlowAccountingCommand.RunAsync(flowArgs);

// "writes ...": PUT /api/v1/workloads/{id} on one embedded silo, writes/s and latency by workload count.
if (args is ["writes", .. var writeArgs])
    return await MicroSeg.Benchmarks.Writes.WritesCommand.RunAsync(writeArgs);

// "console-map ...": render time and frame times of the console's topology map in headless Chromium.
if (args is ["console-map", .. var mapArgs])
    return await MicroSeg.Benchmarks.ConsoleMap.ConsoleMapCommand.RunAsync(mapArgs);

BenchmarkSwitcher.FromAssembly(typeof(DatapathBenchCommand).Assembly).Run(args);
return 0;
