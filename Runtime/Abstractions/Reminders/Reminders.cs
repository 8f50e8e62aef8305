namespace MicroSeg.Runtime;

/// <summary>A grain that receives durable reminders (Orleans <c>IRemindable</c>).</summary>
public interface IRemindable : IGrain
{
    /// <summary>A reminder of this grain is due; runs as a turn of the grain (activating it if needed).</summary>
    /// <param name="reminderName">The reminder's name.</param>
    /// <param name="status">The reminder's schedule and this tick's time.</param>
    /// <returns>A task that completes when the tick is handled.</returns>
    Task ReceiveReminder(string reminderName, TickStatus status);
}

/// <summary>A tick of a reminder (Orleans <c>TickStatus</c>).</summary>
/// <param name="FirstTickTime">When the reminder first fired (UTC).</param>
/// <param name="Period">Time between ticks.</param>
/// <param name="CurrentTickTime">When this tick was due (UTC).</param>
public readonly record struct TickStatus(DateTime FirstTickTime, TimeSpan Period, DateTime CurrentTickTime);

/// <summary>A registered reminder (Orleans <c>IGrainReminder</c>).</summary>
public interface IGrainReminder
{
    /// <summary>The reminder's name, unique per grain.</summary>
    string ReminderName { get; }
}

/// <content>Durable reminders (Orleans <c>Grain</c> reminder methods). The grain class must implement <see cref="IRemindable"/>.</content>
public abstract partial class Grain
{
    /// <summary>
    /// Registers or replaces a durable reminder: it survives deactivation and silo restarts, is ticked by the silo
    /// that owns this grain, and activates the grain when due.
    /// </summary>
    /// <param name="reminderName">The name, unique per grain.</param>
    /// <param name="dueTime">Time to the first tick.</param>
    /// <param name="period">Time between ticks; at least ReminderOptions.MinimumPeriod (default 1 minute).</param>
    /// <returns>The reminder.</returns>
    protected Task<IGrainReminder> RegisterOrUpdateReminder(string reminderName, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentException.ThrowIfNullOrEmpty(reminderName);
        if (this is not IRemindable)
            throw new InvalidOperationException($"{GetType().Name} must implement IRemindable to register reminders.");
        return RuntimeContext.RegisterOrUpdateReminder(reminderName, dueTime, period);
    }

    /// <summary>Deletes a reminder; it does not tick again.</summary>
    /// <param name="reminder">The reminder.</param>
    /// <returns>A task that completes when the reminder is deleted.</returns>
    protected Task UnregisterReminder(IGrainReminder reminder)
    {
        ArgumentNullException.ThrowIfNull(reminder);
        return RuntimeContext.UnregisterReminder(reminder);
    }

    /// <summary>Gets a reminder of this grain by name.</summary>
    /// <param name="reminderName">The name.</param>
    /// <returns>The reminder, or null.</returns>
    protected Task<IGrainReminder?> GetReminder(string reminderName) => RuntimeContext.GetReminder(reminderName);

    /// <summary>Gets every reminder of this grain.</summary>
    /// <returns>The reminders.</returns>
    protected Task<List<IGrainReminder>> GetReminders() => RuntimeContext.GetReminders();
}
