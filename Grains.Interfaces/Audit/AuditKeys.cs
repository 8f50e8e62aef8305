using System.Globalization;

namespace MicroSeg.Grains.Interfaces.Audit;

/// <summary>Keys of the audit log grains: one per UTC hour, so no grain's state grows without bound.</summary>
public static class AuditKeys
{
    /// <summary>The hour bucket a time falls in, e.g. "2026-12-06T04".</summary>
    public static string Hour(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH", CultureInfo.InvariantCulture);

    /// <summary>Every hour bucket from <paramref name="since"/> to <paramref name="until"/>, oldest first.</summary>
    public static IEnumerable<string> Hours(DateTimeOffset since, DateTimeOffset until)
    {
        var hour = new DateTimeOffset(since.UtcDateTime.Year, since.UtcDateTime.Month, since.UtcDateTime.Day, since.UtcDateTime.Hour, 0, 0, TimeSpan.Zero);
        for (; hour <= until; hour = hour.AddHours(1))
            yield return Hour(hour);
    }
}
