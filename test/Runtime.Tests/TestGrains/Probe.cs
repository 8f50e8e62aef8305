using System.Collections.Concurrent;

namespace MicroSeg.Runtime.Tests.TestGrains;

/// <summary>Per-key counters that test grains report into (keys are unique per test).</summary>
public static class Probe
{
    private static readonly ConcurrentDictionary<string, int> s_counters = new();

    public static int Increment(string name) => s_counters.AddOrUpdate(name, 1, (_, n) => n + 1);

    public static int Get(string name) => s_counters.TryGetValue(name, out var n) ? n : 0;
}
