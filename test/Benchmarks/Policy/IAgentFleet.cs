namespace MicroSeg.Benchmarks.Policy;

/// <summary>The latency benchmark's node agents, wherever they run: node n{i} is agent i.</summary>
internal interface IAgentFleet : IAsyncDisposable
{
    /// <summary>CPU time of the agents' own process, or null when they share the silo's.</summary>
    TimeSpan? ProcessorTime { get; }

    /// <summary>Waits until agent i has applied at least <paramref name="revisions"/>[i].</summary>
    Task WaitAppliedAsync(IReadOnlyList<long> revisions, TimeSpan timeout);

    /// <summary>
    /// The stamp (<see cref="System.Diagnostics.Stopwatch.GetTimestamp"/>) at which each agent's applied ipcache first
    /// mapped <paramref name="cidr"/> to <paramref name="identity"/> (or, when <paramref name="present"/> is false, stopped doing so).
    /// </summary>
    Task<long[]> WhenAsync(string cidr, uint identity, bool present, TimeSpan timeout);
}
