using BenchmarkDotNet.Running;
using MicroSeg.Benchmarks.Datapath;

// "datapath ...": kernel-timed data-plane benchmarks and the iperf3 attach helper.
if (args is ["datapath", .. var datapathArgs])
    return DatapathBenchCommand.Run(datapathArgs);

// "policy-latency ...": REST label change to rule delivery on every node, p50/p99.
if (args is ["policy-latency", .. var latencyArgs])
    return await MicroSeg.Benchmarks.Policy.PolicyLatencyCommand.RunAsync(latencyArgs);


BenchmarkSwitcher.FromAssembly(typeof(DatapathBenchCommand).Assembly).Run(args);
return 0;
