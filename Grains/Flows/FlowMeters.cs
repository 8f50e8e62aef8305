using System.Diagnostics.Metrics;

namespace MicroSeg.Grains.Flows;

/// <summary>
/// The control plane's flow figures as .NET meters (meter <see cref="MeterName"/>), exported on the silo's
/// /metrics with Orleans' own meters.
/// </summary>
internal static class FlowMeters
{
    public const string MeterName = "MicroSeg.Flows";

    private static readonly Meter Meter = new(MeterName);

    public static readonly Counter<long> Batches = Meter.CreateCounter<long>("microseg.flows.batches", description: "Flow batches received from node agents.");

    public static readonly Counter<long> Samples = Meter.CreateCounter<long>("microseg.flows.samples", description: "Aggregated flow samples received from node agents.");

    public static readonly Counter<long> Records = Meter.CreateCounter<long>("microseg.flows.records", description: "Flow records written to durable history.");

    public static readonly Counter<long> Duplicates = Meter.CreateCounter<long>("microseg.flows.duplicates",
        description: "Samples left out because the other end of the same connection reports it.");

    public static readonly Histogram<double> HistoryWrite = Meter.CreateHistogram<double>("microseg.flows.history.write.duration", unit: "s",
        description: "Time to write one batch to durable flow history.");
}
