namespace MicroSeg.Runtime.Reminders;

/// <summary>A row of the reminder table: ticks fall at <see cref="StartUtc"/> + k × <see cref="Period"/>.</summary>
internal sealed record ReminderEntry(string GrainType, string GrainKey, string Name, DateTime StartUtc, TimeSpan Period, long Version);

/// <summary>The durable reminder table (Orleans <c>IReminderTable</c>).</summary>
internal interface IReminderTable
{
    Task<IReadOnlyList<ReminderEntry>> ReadAllAsync(CancellationToken cancellationToken);

    Task<IReadOnlyList<ReminderEntry>> ReadAsync(string grainType, string grainKey, CancellationToken cancellationToken);

    /// <summary>Inserts or replaces the reminder; returns it with its new version.</summary>
    Task<ReminderEntry> UpsertAsync(ReminderEntry entry, CancellationToken cancellationToken);

    Task RemoveAsync(string grainType, string grainKey, string name, CancellationToken cancellationToken);
}

/// <summary>Reminders in this silo's memory (tests): lost on restart.</summary>
internal sealed class MemoryReminderTable : IReminderTable
{
    private readonly Dictionary<(string, string, string), ReminderEntry> _entries = [];
    private long _version;

    public Task<IReadOnlyList<ReminderEntry>> ReadAllAsync(CancellationToken cancellationToken)
    {
        lock (_entries)
            return Task.FromResult<IReadOnlyList<ReminderEntry>>([.. _entries.Values]);
    }

    public Task<IReadOnlyList<ReminderEntry>> ReadAsync(string grainType, string grainKey, CancellationToken cancellationToken)
    {
        lock (_entries)
            return Task.FromResult<IReadOnlyList<ReminderEntry>>([.. _entries.Values.Where(e => e.GrainType == grainType && e.GrainKey == grainKey)]);
    }

    public Task<ReminderEntry> UpsertAsync(ReminderEntry entry, CancellationToken cancellationToken)
    {
        lock (_entries)
        {
            var stored = entry with { Version = ++_version };
            _entries[(entry.GrainType, entry.GrainKey, entry.Name)] = stored;
            return Task.FromResult(stored);
        }
    }

    public Task RemoveAsync(string grainType, string grainKey, string name, CancellationToken cancellationToken)
    {
        lock (_entries)
            _entries.Remove((grainType, grainKey, name));
        return Task.CompletedTask;
    }
}
