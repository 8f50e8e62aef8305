using System.Runtime.InteropServices;

namespace MicroSeg.Runtime.Diagnostics;

/// <summary>
/// Calls of one grain method on one grain class in one silo: totals since start, and a sliding window of
/// <see cref="SliceCount"/> time slices (each a bucket histogram and an error count) for rates and
/// percentiles. Recording is a few interlocked adds with no lock or allocation, on one of a few stripes
/// chosen by the current processor so cores do not fight over cache lines; a snapshot sums the stripes. A
/// slice is cleared when time first reaches it again; counts racing with that clear may be lost or land in
/// the new slice: the figures are for dashboards, not accounting.
/// </summary>
internal sealed class MethodStatistics
{
    /// <summary>Slices in the window.</summary>
    public const int SliceCount = 12;

    private static readonly int s_stripeMask = (int)Math.Min(4, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Environment.ProcessorCount)) - 1;
    private readonly Stripe[] _stripes = new Stripe[s_stripeMask + 1];
    private readonly long _sliceTicks;
    private readonly long _created;

    public MethodStatistics(string grainType, string method, string methodId, TimeSpan window, long createdTimestamp, long frequency)
    {
        GrainType = grainType;
        Method = method;
        MethodId = methodId;
        Frequency = frequency;
        _created = createdTimestamp;
        _sliceTicks = Math.Max(1, (long)(window.TotalSeconds * frequency / SliceCount));
        for (var i = 0; i < _stripes.Length; i++)
            _stripes[i] = new Stripe();
    }

    public string GrainType { get; }

    /// <summary>"IFooGrain.Method".</summary>
    public string Method { get; }

    /// <summary>The method's full wire identity (tells overloads apart).</summary>
    public string MethodId { get; }

    /// <summary>Timestamp ticks per second.</summary>
    public long Frequency { get; }

    /// <summary>Records one completed call that took <paramref name="elapsedTicks"/>, at timestamp <paramref name="now"/>.</summary>
    public void Record(long now, long elapsedTicks, bool failed)
    {
        var stripe = _stripes[Thread.GetCurrentProcessorId() & s_stripeMask];
        Interlocked.Increment(ref stripe.Totals.Calls);
        Interlocked.Add(ref stripe.Totals.ElapsedTicks, elapsedTicks);
        var epoch = now / _sliceTicks;
        var slice = stripe.Slices[(int)(epoch % SliceCount)];
        if (Volatile.Read(ref slice.Epoch) != epoch)
            slice.MoveTo(epoch);
        Interlocked.Increment(ref slice.Buckets[LatencyBuckets.IndexOf(elapsedTicks)]);
        if (failed)
        {
            Interlocked.Increment(ref stripe.Totals.Errors);
            Interlocked.Increment(ref slice.Errors);
        }
    }

    /// <summary>The figures at timestamp <paramref name="now"/>.</summary>
    public MethodSnapshot Snapshot(long now)
    {
        var current = now / _sliceTicks;
        var counts = new long[LatencyBuckets.Count];
        long windowErrors = 0, calls = 0, errors = 0, elapsed = 0;
        foreach (var stripe in _stripes)
        {
            calls += Interlocked.Read(ref stripe.Totals.Calls);
            errors += Interlocked.Read(ref stripe.Totals.Errors);
            elapsed += Interlocked.Read(ref stripe.Totals.ElapsedTicks);
        }

        foreach (var slice in _stripes.SelectMany(s => s.Slices))
        {
            var epoch = Volatile.Read(ref slice.Epoch);
            if (epoch <= current - SliceCount || epoch > current)
                continue;
            for (var i = 0; i < counts.Length; i++)
                counts[i] += Volatile.Read(ref slice.Buckets[i]);
            windowErrors += Volatile.Read(ref slice.Errors);
        }

        long windowCalls = 0;
        foreach (var count in counts)
            windowCalls += count;
        // The window reaches back to the start of the oldest slice still in it, or to when counting began.
        var covered = Math.Min(now - _created, (SliceCount - 1) * _sliceTicks + now % _sliceTicks);
        var seconds = Math.Max(covered, Frequency / 1000) / (double)Frequency;
        var toMs = 1000.0 / Frequency;
        return new MethodSnapshot(
            calls,
            errors,
            elapsed / (double)Frequency,
            windowCalls,
            windowCalls / seconds,
            windowErrors / seconds,
            LatencyBuckets.Quantile(counts, windowCalls, 0.5) * toMs,
            LatencyBuckets.Quantile(counts, windowCalls, 0.99) * toMs);
    }

    // Totals kept a cache line apart from anything else, so stripes on different cores never share one.
    [StructLayout(LayoutKind.Explicit, Size = 192)]
    private struct PaddedTotals
    {
        [FieldOffset(64)]
        public long Calls;

        [FieldOffset(72)]
        public long Errors;

        [FieldOffset(80)]
        public long ElapsedTicks;
    }

    private sealed class Stripe
    {
        public readonly Slice[] Slices = [.. Enumerable.Range(0, SliceCount).Select(_ => new Slice())];
        public PaddedTotals Totals;
    }

    private sealed class Slice
    {
        public readonly int[] Buckets = new int[LatencyBuckets.Count];
        private readonly Lock _gate = new();
        public long Epoch = -1;
        public int Errors;

        public void MoveTo(long epoch)
        {
            lock (_gate)
            {
                if (Epoch >= epoch)
                    return;
                Array.Clear(Buckets);
                Errors = 0;
                Volatile.Write(ref Epoch, epoch);
            }
        }
    }
}

/// <summary>One method's figures at one moment.</summary>
internal readonly record struct MethodSnapshot(
    long Calls, long Errors, double TotalSeconds, long WindowCalls, double CallsPerSecond, double ErrorsPerSecond, double P50Ms, double P99Ms);
