using System.Globalization;

namespace MicroSeg.Grains.Common;

/// <summary>
/// Index versions are "lineage:counter": a lineage per index activation, a counter that grows with every
/// change within it. Only versions of one lineage are ordered.
/// </summary>
internal static class IndexVersions
{
    public static string Format(string lineage, long counter) => $"{lineage}:{counter.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Whether content at version <paramref name="held"/> includes every change up to <paramref name="needed"/>.</summary>
    public static bool Includes(string held, string needed) =>
        Split(held) is { } h && Split(needed) is { } n && h.Lineage == n.Lineage && h.Counter >= n.Counter;

    private static (string Lineage, long Counter)? Split(string version)
    {
        var colon = version.LastIndexOf(':');
        return colon > 0 && long.TryParse(version.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var counter)
            ? (version[..colon], counter)
            : null;
    }
}
