using System.Globalization;

namespace MicroSeg.Benchmarks.Flows;

/// <summary>CPU time and memory of one process from /proc: what an operator's node exporter would show for the agent.</summary>
internal sealed class ProcessSampler(int pid)
{
    private static readonly double TicksPerSecond = 100; // USER_HZ on Linux

    private long _peakRss;

    /// <summary>User + system CPU time so far.</summary>
    public TimeSpan CpuTime()
    {
        // Fields after the command name, which is in parentheses and may hold spaces.
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / TicksPerSecond);
    }

    /// <summary>Resident memory now, in bytes; also kept as the peak of the samples.</summary>
    public long SampleRss()
    {
        var rss = StatusField("VmRSS:");
        _peakRss = Math.Max(_peakRss, rss);
        return rss;
    }

    /// <summary>The largest resident size sampled.</summary>
    public long PeakRss => _peakRss;

    /// <summary>The kernel's high-water mark of the resident size over the process's life.</summary>
    public long HighWaterRss() => StatusField("VmHWM:");

    private long StatusField(string name)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith(name, StringComparison.Ordinal));
        return long.Parse(line[name.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
    }
}
