using System.Collections.Concurrent;

namespace MicroSeg.Runtime.Tests.TestGrains;

/// <summary>Per-key counters that test grains report into (keys are unique per test).</summary>
public static class Probe
{
    private static readonly ConcurrentDictionary<string, int> s_counters = new();
    private static readonly ConcurrentDictionary<string, int> s_peaks = new();

    public static int Increment(string name) => s_counters.AddOrUpdate(name, 1, (_, n) => n + 1);

    public static void Set(string name, int value) => s_counters[name] = value;

    public static int Get(string name) => s_counters.TryGetValue(name, out var n) ? n : 0;

    /// <summary>Counts one more live instance of <paramref name="name"/> and remembers the highest count seen.</summary>
    public static void Enter(string name)
    {
        var live = Increment(name);
        s_peaks.AddOrUpdate(name, live, (_, peak) => Math.Max(peak, live));
    }

    /// <summary>Counts one live instance of <paramref name="name"/> less.</summary>
    public static void Exit(string name) => s_counters.AddOrUpdate(name, -1, (_, n) => n - 1);

    /// <summary>The highest number of live instances of <paramref name="name"/> at any one time.</summary>
    public static int Peak(string name) => s_peaks.TryGetValue(name, out var n) ? n : 0;
}
