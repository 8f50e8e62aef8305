using MicroSeg.Grains.Interfaces.Audit;

namespace MicroSeg.Grains.Tests.Audit;

public sealed class AuditKeysTests
{
    [Fact]
    public void Slot_IsATenthOfASecond_InItsMinute_AndOrdersAfterTheWholeSecondKeysOfEarlierVersions()
    {
        var time = new DateTimeOffset(2026, 12, 7, 4, 17, 9, 345, TimeSpan.Zero);
        var slot = AuditKeys.Slot(time);

        Assert.Equal("2026-12-07T04:17:09.3", slot);
        Assert.Equal("2026-12-07T04:17", AuditKeys.MinuteOf(slot));
        Assert.True(AuditKeys.TryParseSlot(slot, out var start, out var length));
        Assert.Equal(new DateTimeOffset(2026, 12, 7, 4, 17, 9, 300, TimeSpan.Zero), start);
        Assert.Equal(TimeSpan.FromMilliseconds(100), length);
        // A key stored before slots were tenths names its whole second, and a minute lists both kinds in time order.
        Assert.True(AuditKeys.TryParseSlot("2026-12-07T04:17:09", out start, out length));
        Assert.Equal((new DateTimeOffset(2026, 12, 7, 4, 17, 9, TimeSpan.Zero), TimeSpan.FromSeconds(1)), (start, length));
        Assert.Equal(["2026-12-07T04:17:08.9", "2026-12-07T04:17:09", "2026-12-07T04:17:09.0", "2026-12-07T04:17:10"],
            new[] { "2026-12-07T04:17:10", "2026-12-07T04:17:09.0", "2026-12-07T04:17:09", "2026-12-07T04:17:08.9" }.Order(StringComparer.Ordinal));
        Assert.False(AuditKeys.TryParseSlot("2026-12-07T04:17", out _, out _));
    }
}
