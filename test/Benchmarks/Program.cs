using BenchmarkDotNet.Running;
using MicroSeg.Benchmarks.Datapath;

// "datapath ...": kernel-timed data-plane benchmarks and the iperf3 attach helper.
if (args is ["datapath", .. var datapathArgs])
    return DatapathBenchCommand.Run(datapathArgs);

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
