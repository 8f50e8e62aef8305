using Orleans.Runtime;
using Orleans.Streams;

namespace MicroSeg.Silo.Tests.Storage;

/// <summary>Names of the stream provider and namespace the PostgreSQL cluster tests use.</summary>
public static class PostgresTestStreams
{
    public const string Provider = "PostgresTestStreams";
    public const string Namespace = "postgres-test";
}

/// <summary>What <see cref="IPostgresStateGrain"/> holds in grain storage.</summary>
[GenerateSerializer]
public sealed class PostgresTestState
{
    [Id(0)] public string? Value { get; set; }
    [Id(1)] public int Writes { get; set; }
}

/// <summary>A grain's view of its persistent state, and where it ran.</summary>
[GenerateSerializer]
public sealed record PostgresStateView(
    [property: Id(0)] string? Value,
    [property: Id(1)] int Writes,
    [property: Id(2)] string? ETag,
    [property: Id(3)] bool RecordExists,
    [property: Id(4)] string Silo,
    [property: Id(5)] string Activation);

/// <summary>A grain with one <c>[PersistentState]</c> in the "Default" storage.</summary>
public interface IPostgresStateGrain : IGrainWithGuidKey
{
    Task<PostgresStateView> SetAsync(string value);
    Task<PostgresStateView> GetAsync();
    Task DeactivateAsync();
}

public sealed class PostgresStateGrain([PersistentState("state", "Default")] IPersistentState<PostgresTestState> state)
    : Grain, IPostgresStateGrain
{
    public async Task<PostgresStateView> SetAsync(string value)
    {
        state.State.Value = value;
        state.State.Writes++;
        await state.WriteStateAsync();
        return View();
    }

    public Task<PostgresStateView> GetAsync() => Task.FromResult(View());

    public Task DeactivateAsync()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    private PostgresStateView View() => new(
        state.State.Value, state.State.Writes, state.Etag, state.RecordExists,
        RuntimeIdentity, GrainContext.ActivationId.ToString());
}

/// <summary>A grain that registers reminders and counts their ticks.</summary>
public interface IPostgresReminderGrain : IGrainWithStringKey
{
    Task RegisterAsync(string name, TimeSpan dueTime, TimeSpan period);
    Task<string[]> GetReminderNamesAsync();
    Task<int> GetTicksAsync(string name);
    Task UnregisterAsync(string name);
}

public sealed class PostgresReminderGrain : Grain, IPostgresReminderGrain, IRemindable
{
    private readonly Dictionary<string, int> _ticks = [];

    public Task RegisterAsync(string name, TimeSpan dueTime, TimeSpan period) =>
        this.RegisterOrUpdateReminder(name, dueTime, period);

    public async Task<string[]> GetReminderNamesAsync() =>
        (await this.GetReminders()).Select(r => r.ReminderName).Order(StringComparer.Ordinal).ToArray();

    public Task<int> GetTicksAsync(string name) => Task.FromResult(_ticks.GetValueOrDefault(name));

    public async Task UnregisterAsync(string name)
    {
        if (await this.GetReminder(name) is { } reminder)
            await this.UnregisterReminder(reminder);
    }

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        _ticks[reminderName] = _ticks.GetValueOrDefault(reminderName) + 1;
        return Task.CompletedTask;
    }
}

/// <summary>Publishes on the PostgreSQL-backed stream provider.</summary>
public interface IPostgresStreamProducerGrain : IGrainWithGuidKey
{
    Task PublishAsync(Guid streamKey, string item);
}

public sealed class PostgresStreamProducerGrain : Grain, IPostgresStreamProducerGrain
{
    public Task PublishAsync(Guid streamKey, string item) =>
        this.GetStreamProvider(PostgresTestStreams.Provider)
            .GetStream<string>(StreamId.Create(PostgresTestStreams.Namespace, streamKey))
            .OnNextAsync(item);
}

/// <summary>Implicitly subscribed to the stream with its own key; remembers what it received.</summary>
public interface IPostgresStreamConsumerGrain : IGrainWithGuidKey
{
    Task<string[]> GetReceivedAsync();
}

[ImplicitStreamSubscription(PostgresTestStreams.Namespace)]
public sealed class PostgresStreamConsumerGrain : Grain, IPostgresStreamConsumerGrain
{
    private readonly List<string> _received = [];

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var stream = this.GetStreamProvider(PostgresTestStreams.Provider)
            .GetStream<string>(StreamId.Create(PostgresTestStreams.Namespace, this.GetPrimaryKey()));
        await stream.SubscribeAsync((item, _) =>
        {
            _received.Add(item);
            return Task.CompletedTask;
        });
    }

    public Task<string[]> GetReceivedAsync() => Task.FromResult(_received.ToArray());
}
