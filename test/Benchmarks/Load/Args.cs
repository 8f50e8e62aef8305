namespace MicroSeg.Benchmarks.Load;

/// <summary>Reads "--name value" options of the load-runner commands.</summary>
internal static class Args
{
    public static string Get(string[] args, string name, string fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }

    public static int Int(string[] args, string name, int fallback) =>
        int.Parse(Get(args, name, fallback.ToString(System.Globalization.CultureInfo.InvariantCulture)), System.Globalization.CultureInfo.InvariantCulture);

    public static int[] Ints(string[] args, string name, string fallback) =>
        Get(args, name, fallback).Split(',').Select(s => int.Parse(s, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
}
