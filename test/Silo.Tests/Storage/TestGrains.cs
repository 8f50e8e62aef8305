using Orleans;
using Orleans.Runtime;

namespace MicroSeg.Silo.Tests.Storage;

[GenerateSerializer]
public sealed class CounterState
{
    [Id(0)]
    public int Value { get; set; }

    [Id(1)]
    public string Payload { get; set; } = string.Empty;
}

public interface IPersistentCounterGrain : IGrainWithStringKey
{
    Task<int> Add(int amount);

    Task<int> Get();
}

public sealed class PersistentCounterGrain([PersistentState("s")] IPersistentState<CounterState> state) : Grain, IPersistentCounterGrain
{
    public async Task<int> Add(int amount)
    {
        state.State.Value += amount;
        await state.WriteStateAsync();
        return state.State.Value;
    }

    public Task<int> Get() => Task.FromResult(state.State.Value);
}

public interface IReminderCounterGrain : IGrainWithStringKey
{
    Task Start(TimeSpan period);

    Task<int> GetTicks();

    Task<string[]> ListReminders();
}

/// <summary>Counts ticks of its reminder in memory, so a fresh activation after a restart starts from zero.</summary>
public sealed class ReminderCounterGrain : Grain, IReminderCounterGrain, IRemindable
{
    public const string ReminderName = "tick";

    private int _ticks;

    public Task Start(TimeSpan period) => this.RegisterOrUpdateReminder(ReminderName, TimeSpan.Zero, period);

    public Task<int> GetTicks() => Task.FromResult(_ticks);

    public async Task<string[]> ListReminders() =>
        [.. (await this.GetReminders()).Select(reminder => reminder.ReminderName)];

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName == ReminderName)
        {
            _ticks++;
        }

        return Task.CompletedTask;
    }
}

/// <summary>A database path in a directory of its own that does not exist yet; the directory is deleted on dispose.</summary>
internal sealed class TempDatabase : IDisposable
{
    public TempDatabase()
    {
        Root = Path.Combine(Path.GetTempPath(), $"microseg-sqlite-{Guid.NewGuid():N}");
        FilePath = Path.Combine(Root, "data", "microseg.db");
    }

    public string Root { get; }

    public string FilePath { get; }

    public void Dispose()
    {
        if (Directory.Exists(Root))
        {
            Directory.Delete(Root, recursive: true);
        }
    }
}
