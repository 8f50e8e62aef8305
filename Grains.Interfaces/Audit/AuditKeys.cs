using System.Globalization;

namespace MicroSeg.Grains.Interfaces.Audit;

/// <summary>
/// Keys of the audit log grains. Entries live in one grain per UTC second, so a grain's state (written whole on
/// every append) stays small under a burst of changes; one index grain per UTC minute lists the seconds that
/// hold entries, so a reader visits only those.
/// </summary>
public static class AuditKeys
{
    private const string SecondFormat = "yyyy-MM-dd'T'HH:mm:ss";

    /// <summary>The second bucket a time falls in, e.g. "2026-12-06T04:17:09".</summary>
    public static string Second(DateTimeOffset time) => time.UtcDateTime.ToString(SecondFormat, CultureInfo.InvariantCulture);

    /// <summary>The start of the second a <see cref="Second"/> bucket names; false when <paramref name="second"/> is not one.</summary>
    public static bool TryParseSecond(string second, out DateTimeOffset start) =>
        DateTimeOffset.TryParseExact(second, SecondFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out start);

    /// <summary>The minute index a second bucket belongs to, e.g. "2026-12-06T04:17".</summary>
    public static string MinuteOf(string second) => second[..16];

    /// <summary>Every minute index from <paramref name="since"/> to <paramref name="until"/>, oldest first.</summary>
    public static IEnumerable<string> Minutes(DateTimeOffset since, DateTimeOffset until)
    {
        var utc = since.UtcDateTime;
        for (var minute = new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, utc.Minute, 0, TimeSpan.Zero); minute <= until; minute = minute.AddMinutes(1))
            yield return minute.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture);
    }
}
