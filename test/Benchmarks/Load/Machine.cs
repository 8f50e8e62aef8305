namespace MicroSeg.Benchmarks.Load;

/// <summary>The machine's state beside every figure: the machine is shared, so a figure means little without its load.</summary>
internal static class Machine
{
    /// <summary>The 1, 5 and 15 minute load averages, as /proc/loadavg gives them.</summary>
    public static string LoadAverage()
    {
        try
        {
            var fields = File.ReadAllText("/proc/loadavg").Split(' ');
            return $"{fields[0]} {fields[1]} {fields[2]}";
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    public static string Now() => DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", System.Globalization.CultureInfo.InvariantCulture);
}
