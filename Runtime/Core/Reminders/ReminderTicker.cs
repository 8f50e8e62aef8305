namespace MicroSeg.Runtime.Reminders;

/// <summary>The local timer of one owned reminder: fires at each StartUtc + k × Period, the next one armed after the grain handled the tick.</summary>
internal sealed class ReminderTicker : IDisposable
{
    private readonly ReminderService _service;
    private readonly ITimer _timer;
    private DateTime _due;
    private volatile bool _disposed;

    public ReminderTicker(ReminderService service, ReminderEntry entry)
    {
        _service = service;
        Entry = entry;
        _timer = service.Time.CreateTimer(static s => _ = ((ReminderTicker)s!).TickAsync(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        Arm(DateTime.MinValue);
    }

    public ReminderEntry Entry { get; }

    public void Dispose()
    {
        _disposed = true;
        _timer.Dispose();
    }

    private void Arm(DateTime after)
    {
        if (_disposed)
            return;
        var now = _service.Time.GetUtcNow().UtcDateTime;
        var from = now > after ? now : after.AddTicks(1);
        var due = Entry.StartUtc;
        if (from > due)
        {
            var periods = (long)Math.Ceiling((from - due).Ticks / (double)Entry.Period.Ticks);
            due = due.AddTicks(periods * Entry.Period.Ticks);
        }

        _due = due;
        try
        {
            _timer.Change(due > now ? due - now : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private async Task TickAsync()
    {
        if (_disposed)
            return;
        var due = _due;
        try
        {
            await _service.DeliverAsync(Entry, due).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            _service.LogTickFailure(Entry, ex);
        }

        Arm(due);
    }
}
