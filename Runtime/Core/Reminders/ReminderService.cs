using MicroSeg.Runtime.Activation;
using MicroSeg.Runtime.Cluster;
using MicroSeg.Runtime.Hosting;
using MicroSeg.Runtime.Invocation;
using MicroSeg.Runtime.Messaging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MicroSeg.Runtime.Reminders;

/// <summary>
/// Ticks the reminders of the grains this silo owns on the hash ring (Orleans <c>LocalReminderService</c>). At start,
/// every <see cref="ReminderOptions.RefreshPeriod"/> and when membership changes it rereads the table, starts a
/// ticker for each owned reminder and stops the others; a tick calls <see cref="IRemindable.ReceiveReminder"/>, which
/// activates the grain. Ticks are not written to the table, so after a restart the schedule simply continues.
/// </summary>
internal sealed partial class ReminderService : BackgroundService
{
    private static readonly MethodDescriptor s_receive = InterfaceRegistry.GetMethod(typeof(IRemindable).GetMethod(nameof(IRemindable.ReceiveReminder))!);
    private readonly Dictionary<(string, string, string), ReminderTicker> _tickers = [];
    // Reminders registered or unregistered here, with the local change number: a refresh whose table read may
    // predate the change leaves them alone (it would otherwise undo the change until the next refresh).
    private readonly Dictionary<(string, string, string), long> _localChanges = [];
    private long _changeNumber;
    private readonly SemaphoreSlim _refresh = new(0, 1);
    private readonly IReminderTable _table;
    private readonly IServiceProvider _services;
    private readonly ReminderOptions _options;
    private readonly ClusterView _view;
    private readonly bool _clustered;
    private readonly ILogger _logger;
    private Catalog? _catalog;
    private GrainTypeRegistry? _types;

    public ReminderService(IReminderTable table, IServiceProvider services, IOptions<ReminderOptions> options, ClusterView view, TimeProvider time, ILogger<ReminderService> logger)
    {
        _table = table;
        _services = services;
        _options = options.Value;
        _view = view;
        _clustered = services.GetService<IMembershipTable>() is not null;
        Time = time;
        _logger = logger;
        view.Changed += _ => Wake();
    }

    public TimeProvider Time { get; }

    public async Task<IGrainReminder> RegisterOrUpdateAsync(GrainId grain, string name, TimeSpan dueTime, TimeSpan period)
    {
        if (period < _options.MinimumPeriod)
            throw new ArgumentOutOfRangeException(nameof(period), period, $"Reminder '{name}' of {grain}: period must be at least ReminderOptions.MinimumPeriod ({_options.MinimumPeriod}).");
        if (dueTime < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(dueTime), dueTime, $"Reminder '{name}' of {grain}: due time must not be negative.");
        var entry = await _table.UpsertAsync(new ReminderEntry(grain.Type, grain.Key, name, Time.GetUtcNow().UtcDateTime + dueTime, period, 0), CancellationToken.None).ConfigureAwait(false);
        lock (_tickers)
        {
            _localChanges[(grain.Type, grain.Key, name)] = ++_changeNumber;
            if (Owns(entry))
                Apply(entry);
        }

        return new GrainReminder(name);
    }

    public async Task UnregisterAsync(GrainId grain, string name)
    {
        await _table.RemoveAsync(grain.Type, grain.Key, name, CancellationToken.None).ConfigureAwait(false);
        lock (_tickers)
        {
            _localChanges[(grain.Type, grain.Key, name)] = ++_changeNumber;
            if (_tickers.Remove((grain.Type, grain.Key, name), out var ticker))
                ticker.Dispose();
        }
    }

    public async Task<IGrainReminder?> GetAsync(GrainId grain, string name) =>
        (await GetAllAsync(grain).ConfigureAwait(false)).FirstOrDefault(r => r.ReminderName == name);

    public async Task<List<IGrainReminder>> GetAllAsync(GrainId grain) =>
        [.. (await _table.ReadAsync(grain.Type, grain.Key, CancellationToken.None).ConfigureAwait(false)).Select(e => (IGrainReminder)new GrainReminder(e.Name))];

    /// <summary>Calls the grain for one tick; completes when the grain handled it.</summary>
    public Task DeliverAsync(ReminderEntry entry, DateTime dueUtc)
    {
        _catalog ??= _services.GetRequiredService<Catalog>();
        _types ??= _services.GetRequiredService<GrainTypeRegistry>();
        if (!_types.TryGetByGrainType(entry.GrainType, out var grainClass))
            throw new InvalidOperationException($"Reminder '{entry.Name}' names grain type '{entry.GrainType}', which this silo does not have.");
        var deadline = MessagingClock.Add(_catalog.NowMs, _catalog.ResponseTimeout);
        var item = s_receive.CreateLocalCall([entry.Name, new TickStatus(entry.StartUtc, entry.Period, dueUtc)], deadline, out var task);
        _catalog.Dispatch(grainClass, new GrainId(entry.GrainType, entry.GrainKey), item);
        return task;
    }

    public void LogTickFailure(ReminderEntry entry, Exception exception) => LogTickFailed(entry.Name, entry.GrainType, entry.GrainKey, exception.Message);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var lifetime = _services.GetRequiredService<IHostApplicationLifetime>();
        using (lifetime.ApplicationStarted.Register(started.SetResult))
        using (stoppingToken.Register(started.SetResult))
            await started.Task.ConfigureAwait(false);

        // Stop with the first sign of shutdown, before the silo deactivates its grains.
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, lifetime.ApplicationStopping);
        stoppingToken = stopping.Token;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await RefreshAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    LogServiceError(ex.Message);
                }

                await _refresh.WaitAsync(_options.RefreshPeriod, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            lock (_tickers)
            {
                foreach (var ticker in _tickers.Values)
                    ticker.Dispose();
                _tickers.Clear();
            }
        }
    }

    private async Task RefreshAsync(CancellationToken cancellationToken)
    {
        long readAt;
        lock (_tickers)
            readAt = _changeNumber;
        var owned = (await _table.ReadAllAsync(cancellationToken).ConfigureAwait(false)).Where(Owns).ToDictionary(e => (e.GrainType, e.GrainKey, e.Name));
        lock (_tickers)
        {
            bool ChangedSinceRead((string, string, string) key) => _localChanges.TryGetValue(key, out var change) && change > readAt;
            foreach (var (key, ticker) in _tickers.ToList())
            {
                if (!ChangedSinceRead(key) && (!owned.TryGetValue(key, out var entry) || entry.Version != ticker.Entry.Version))
                {
                    ticker.Dispose();
                    _tickers.Remove(key);
                }
            }

            foreach (var (key, entry) in owned)
            {
                if (!ChangedSinceRead(key))
                    Apply(entry);
            }

            foreach (var (key, change) in _localChanges.ToList())
            {
                if (change <= readAt)
                    _localChanges.Remove(key);
            }
        }
    }

    // Called under the _tickers lock.
    private void Apply(ReminderEntry entry)
    {
        var key = (entry.GrainType, entry.GrainKey, entry.Name);
        if (_tickers.TryGetValue(key, out var existing))
        {
            if (existing.Entry.Version == entry.Version)
                return;
            existing.Dispose();
        }

        _tickers[key] = new ReminderTicker(this, entry);
    }

    private bool Owns(ReminderEntry entry) =>
        !_clustered || (_view.Self is { } self && _view.IsActiveMember(self) && _view.RemoteOwner(entry.GrainType, entry.GrainKey) is null);

    private void Wake()
    {
        try
        {
            if (_refresh.CurrentCount == 0)
                _refresh.Release();
        }
        catch (SemaphoreFullException)
        {
        }
    }

    private sealed record GrainReminder(string ReminderName) : IGrainReminder;

    [LoggerMessage(EventId = Hosting.RuntimeEventIds.ReminderTickFailed, Level = LogLevel.Warning, Message = "Reminder {Name} of {GrainType}/{GrainKey} failed: {Reason}")]
    private partial void LogTickFailed(string name, string grainType, string grainKey, string reason);

    [LoggerMessage(EventId = Hosting.RuntimeEventIds.ReminderServiceError, Level = LogLevel.Warning, Message = "Reminder table refresh failed: {Reason}")]
    private partial void LogServiceError(string reason);
}
