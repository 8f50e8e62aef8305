using System.Runtime.InteropServices;

namespace MicroSeg.Bpf;

/// <summary>
/// Rate limit of flow events (ms_events) under floods: a token bucket per CPU. Events over
/// the limit are not emitted (verdicts are unchanged) and are counted in
/// <see cref="DatapathCounters.EventsSuppressed"/>. Compiled into the programs at load.
/// </summary>
public sealed record EventRateLimit
{
    /// <summary>No limit: every event is emitted while the ring has room.</summary>
    public static EventRateLimit Unlimited { get; } = new() { EventsPerSecond = 0 };

    /// <summary>Sustained events per second per CPU; 0 = unlimited. Default 10,000; at most 100,000,000.</summary>
    public uint EventsPerSecond { get; init; } = 10_000;

    /// <summary>Events a CPU may emit at once after being quiet. Default 20,000; at least 1, at most 1,000,000,000.</summary>
    public uint Burst { get; init; } = 20_000;

    internal EventRateLimitValue ToValue()
    {
        if (EventsPerSecond > 100_000_000)
            throw new ArgumentOutOfRangeException(nameof(DatapathOptions.EventRateLimit), EventsPerSecond,
                "EventRateLimit.EventsPerSecond must be at most 100,000,000 (0 = unlimited).");
        if (Burst is 0 or > 1_000_000_000)
            throw new ArgumentOutOfRangeException(nameof(DatapathOptions.EventRateLimit), Burst,
                "EventRateLimit.Burst must be between 1 and 1,000,000,000.");
        return new EventRateLimitValue { EventsPerSecond = EventsPerSecond, Burst = Burst };
    }
}

/// <summary>Mirror of <c>struct ms_event_limit</c>, written into the object's read-only data before load.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct EventRateLimitValue
{
    public ulong EventsPerSecond;
    public ulong Burst;
    public ulong WakeupEvery;
}

/// <summary>
/// How often a CPU wakes the flow-event reader (<c>ms_event_limit.wakeup_every</c>): the data path submits the other
/// events without a wakeup, which would cost the packet a self-IPI whenever the reader has caught up, and the reader
/// picks them up on its own timer. At most half the ring may wait for a wakeup when every CPU is just short of one.
/// </summary>
internal static class EventWakeup
{
    /// <summary>Bytes of one event in the ring: the event behind the ring's 8-byte header, 8-aligned.</summary>
    internal static unsafe int RecordBytes => (sizeof(FlowEvent) + 8 + 7) & ~7;

    internal const ulong Most = 1024;

    /// <summary>The ring's size bounds: the object's default and what a node of many CPUs gets at most.</summary>
    internal const uint LeastRingBytes = 1u << 20, MostRingBytes = 16u << 20;

    /// <summary>
    /// Size of ms_events for <paramref name="cpus"/> CPUs: room for <see cref="Most"/> events per CPU twice over, so that
    /// every node up to 93 CPUs wakes its reader every 1,024 events per CPU, rounded up to a power of two (a ring buffer's
    /// size must be one), at least 1 MiB and at most 16 MiB. A fixed 1 MiB ring gave a 64-CPU node a wakeup every 93
    /// events, ≈ 140–180 ns on every new flow's mean in a VM (docs/benchmarks.md, issue 17, fourth session).
    /// </summary>
    internal static uint RingBytes(int cpus)
    {
        var wanted = 2 * Most * (ulong)Math.Max(cpus, 1) * (ulong)RecordBytes;
        return (uint)Math.Clamp(System.Numerics.BitOperations.RoundUpToPowerOf2(wanted), LeastRingBytes, MostRingBytes);
    }

    /// <summary>Events per wakeup for a ring of <paramref name="ringBytes"/> shared by <paramref name="cpus"/> CPUs.</summary>
    internal static ulong Every(uint ringBytes, int cpus) =>
        Math.Clamp((ulong)ringBytes / (ulong)RecordBytes / (2 * (ulong)Math.Max(cpus, 1)), 1, Most);
}
