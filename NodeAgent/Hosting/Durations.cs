using System.Globalization;

namespace MicroSeg.NodeAgent.Hosting;

/// <summary>Reads command-line durations: a number with a unit, "500ms", "5s", "1m".</summary>
internal static class Durations
{
    public static bool TryParse(string text, out TimeSpan duration)
    {
        duration = default;
        var (unit, scale) = text.EndsWith("ms", StringComparison.Ordinal) ? ("ms", 0.001)
            : text.EndsWith('s') ? ("s", 1.0)
            : text.EndsWith('m') ? ("m", 60.0)
            : ("", 0);
        if (scale == 0 || !double.TryParse(text.AsSpan(0, text.Length - unit.Length), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
            return false;
        duration = TimeSpan.FromSeconds(value * scale);
        return true;
    }
}
