namespace MicroSeg.Runtime.Tests.TestGrains;

/// <summary>Registers reminders on request; counts ticks in <see cref="Probe"/> under "reminder:{key}:{name}".</summary>
public interface IReminderTestGrain : IGrainWithStringKey
{
    Task StartAsync(string name, TimeSpan period);

    Task StopAsync(string name);

    Task<int> CountRemindersAsync();
}

public sealed class ReminderTestGrain : Grain, IReminderTestGrain, IRemindable
{
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        Probe.Increment($"reminder-activate:{GetPrimaryKeyString()}");
        return Task.CompletedTask;
    }

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        Probe.Increment($"reminder:{GetPrimaryKeyString()}:{reminderName}");
        return Task.CompletedTask;
    }

    public Task StartAsync(string name, TimeSpan period) => RegisterOrUpdateReminder(name, TimeSpan.Zero, period);

    public async Task StopAsync(string name)
    {
        if (await GetReminder(name) is { } reminder)
            await UnregisterReminder(reminder);
    }

    public async Task<int> CountRemindersAsync() => (await GetReminders()).Count;
}
