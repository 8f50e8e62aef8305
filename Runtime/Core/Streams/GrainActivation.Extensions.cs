using MicroSeg.Runtime.Reminders;
using MicroSeg.Runtime.Streams;
using Microsoft.Extensions.DependencyInjection;

namespace MicroSeg.Runtime.Activation;

/// <summary>Streams and reminders as seen from a grain (<see cref="IGrainRuntimeContext"/>).</summary>
internal sealed partial class GrainActivation : IGrainRuntimeContext
{
    private GrainStreamConsumers? _streamConsumers;

    public GrainStreamConsumers StreamConsumers
    {
        get
        {
            lock (_lock)
                return _streamConsumers ??= new GrainStreamConsumers(Id.ToString());
        }
    }

    public IStreamProvider GetStreamProvider(string name) =>
        (_catalog.Services.GetKeyedService<StreamProviderRuntime>(name)
            ?? throw new KeyNotFoundException($"No stream provider named '{name}' is registered; call AddMemoryStreams, AddSqliteStreams or AddPostgresStreams(\"{name}\", ...).")).ForGrain(this);

    public Task DeliverStreamAsync(StreamDelivery delivery) => StreamConsumers.DeliverAsync(delivery);

    public Task<IGrainReminder> RegisterOrUpdateReminder(string reminderName, TimeSpan dueTime, TimeSpan period) =>
        Reminders.RegisterOrUpdateAsync(Id, reminderName, dueTime, period);

    public Task UnregisterReminder(IGrainReminder reminder) => Reminders.UnregisterAsync(Id, reminder.ReminderName);

    public Task<IGrainReminder?> GetReminder(string reminderName) => Reminders.GetAsync(Id, reminderName);

    public Task<List<IGrainReminder>> GetReminders() => Reminders.GetAllAsync(Id);

    private ReminderService Reminders => _catalog.Services.GetService<ReminderService>()
        ?? throw new InvalidOperationException($"{Class.ClassType.Name}: no reminder service is registered; call UseInMemoryReminderService, UseSqliteReminderService or UsePostgresReminderService.");
}
