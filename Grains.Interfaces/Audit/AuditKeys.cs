using System.Globalization;

namespace MicroSeg.Grains.Interfaces.Audit;

/// <summary>
/// Keys of the audit log grains: one per UTC minute, so each grain's state stays small (a grain's state is
/// written whole on every append) while a day is still few enough grains to read together.
/// </summary>
public static class AuditKeys
{
    /// <summary>The minute bucket a time falls in, e.g. "2026-12-06T04:17".</summary>
    public static string Minute(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture);

    /// <summary>Every minute bucket from <paramref name="since"/> to <paramref name="until"/>, oldest first.</summary>
    public static IEnumerable<string> Minutes(DateTimeOffset since, DateTimeOffset until)
    {
        var utc = since.UtcDateTime;
        for (var minute = new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, utc.Minute, 0, TimeSpan.Zero); minute <= until; minute = minute.AddMinutes(1))
            yield return Minute(minute);
    }
}
