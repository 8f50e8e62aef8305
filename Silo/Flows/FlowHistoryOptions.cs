namespace MicroSeg.Silo.Flows;

/// <summary>Retention of durable flow history.</summary>
public sealed class FlowHistoryOptions
{
    /// <summary>Records last seen longer ago are deleted. Default 7 days.</summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// At most this many records are kept; the oldest beyond are deleted. Default 2,000,000 (about 0.3-0.5 GB: see
    /// docs/flows.md for the measured bytes per record).
    /// </summary>
    public long MaxRecords { get; set; } = 2_000_000;

    /// <summary>How often retention runs. Default 1 minute.</summary>
    public TimeSpan TrimPeriod { get; set; } = TimeSpan.FromMinutes(1);
}
