using System.Globalization;

namespace MicroSeg.Grains.Interfaces.Audit;

/// <summary>
/// Keys of the audit log grains. Entries live in one grain per tenth of a UTC second (a slot), so a grain's state,
/// written whole on every append, stays small under a burst of changes: at 1,000 writes/s a one-second grain
/// rewrote ≈ 900 kB per append, and its large buffers were what started the silo's full collections. One index
/// grain per UTC minute lists the slots that hold entries, so a reader visits only those. Slots written before
/// this layout name whole seconds (<c>yyyy-MM-ddTHH:mm:ss</c>) and are read like any other.
/// </summary>
public static class AuditKeys
{
    private const string SlotFormat = "yyyy-MM-dd'T'HH:mm:ss.f";
    private const string SecondFormat = "yyyy-MM-dd'T'HH:mm:ss";

    /// <summary>The length of time one audit grain holds.</summary>
    public static readonly TimeSpan SlotLength = TimeSpan.FromMilliseconds(100);

    /// <summary>The slot a time falls in, e.g. "2026-12-06T04:17:09.3".</summary>
    public static string Slot(DateTimeOffset time) => time.UtcDateTime.ToString(SlotFormat, CultureInfo.InvariantCulture);

    /// <summary>
    /// The start and length of the slot a <see cref="Slot"/> key names (or of the second an earlier key names); false
    /// when <paramref name="slot"/> is neither.
    /// </summary>
    public static bool TryParseSlot(string slot, out DateTimeOffset start, out TimeSpan length)
    {
        length = SlotLength;
        if (DateTimeOffset.TryParseExact(slot, SlotFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out start))
            return true;
        length = TimeSpan.FromSeconds(1);
        return DateTimeOffset.TryParseExact(slot, SecondFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out start);
    }

    /// <summary>The minute index a slot belongs to, e.g. "2026-12-06T04:17".</summary>
    public static string MinuteOf(string slot) => slot[..16];

    /// <summary>Every minute index from <paramref name="since"/> to <paramref name="until"/>, oldest first.</summary>
    public static IEnumerable<string> Minutes(DateTimeOffset since, DateTimeOffset until)
    {
        var utc = since.UtcDateTime;
        for (var minute = new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, utc.Minute, 0, TimeSpan.Zero); minute <= until; minute = minute.AddMinutes(1))
            yield return minute.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture);
    }
}
