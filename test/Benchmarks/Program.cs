using BenchmarkDotNet.Running;
using MicroSeg.Benchmarks.Datapath;

// "datapath ...": kernel-timed data-plane benchmarks and the iperf3 attach helper.
if (args is ["datapath", .. var datapathArgs])
    return DatapathBenchCommand.Run(datapathArgs);

// "policy-latency ...": REST label change to rule delivery on every node, p50/p99.
if (args is ["policy-latency", .. var latencyArgs])
    return await MicroSeg.Benchmarks.Policy.PolicyLatencyCommand.RunAsync(latencyArgs);
// "networkpolicy-import ...": documents/s of a many-document NetworkPolicy POST beside PUT one by one.
if (args is ["networkpolicy-import", .. var importArgs])
    return await MicroSeg.Benchmarks.Policy.NetworkPolicyImportCommand.RunAsync(importArgs);

BenchmarkSwitcher.FromAssembly(typeof(DatapathBenchCommand).Assembly).Run(args);
return 0;
