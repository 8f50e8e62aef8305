using System.Diagnostics;
using MicroSeg.Grains.Interfaces.Flows;
using MicroSeg.Grains.Interfaces.Nodes;
using Orleans;

namespace MicroSeg.Benchmarks.Flows;

/// <summary>
/// Bytes per history row at a realistic row count: <see cref="Rows"/> distinct flows (a workload reached from as
/// many addresses, on varied ports) reported through the same grain the agents report to, in agent-sized batches,
/// then the size of the history files divided by the rows they gained.
/// </summary>
internal static class FlowStorageFootprint
{
    public const int Rows = 200_000;
    private const int BatchSize = 1_000;

    public static async Task<(long Rows, long FileBytes, TimeSpan Elapsed)> MeasureAsync(
        IGrainFactory grains, string dataDirectory, string node, string workload, string address, long sequenceStart)
    {
        var history = grains.GetGrain<IFlowHistoryGrain>(0);
        var ingest = grains.GetGrain<IFlowIngestGrain>(node);
        var rowsBefore = await history.GetLatestIdAsync();
        var bytesBefore = HistoryBytes(dataDirectory);
        var now = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        for (var batch = 0; batch < Rows / BatchSize; batch++)
        {
            var samples = new List<FlowSample>(BatchSize);
            for (var i = 0; i < BatchSize; i++)
            {
                var n = batch * BatchSize + i;
                samples.Add(new FlowSample(workload, TrafficDirection.Ingress, $"198.19.{n / 250 % 250}.{n % 250 + 1}", address,
                    (ushort)(1024 + n % 2000), 6, n % 5 == 0 ? FlowVerdict.Deny : FlowVerdict.Allow, 0, n % 5 == 0 ? "default-deny" : "default-allow",
                    1, now.AddSeconds(-5), now, 1 + n % 3, 10 + n % 50, 600 + n % 9000));
            }
            await ingest.ReportAsync(new FlowBatch(node, sequenceStart + batch, samples, 0));
        }
        var elapsed = clock.Elapsed;
        return (await history.GetLatestIdAsync() - rowsBefore, HistoryBytes(dataDirectory) - bytesBefore, elapsed);
    }

    private static long HistoryBytes(string dataDirectory) =>
        Directory.EnumerateFiles(dataDirectory, "flows.db*").Sum(f => new FileInfo(f).Length);
}
