using System.Collections.Concurrent;
using MicroSeg.Runtime.Activation;
using MicroSeg.Runtime.Invocation;
using MicroSeg.Runtime.Messaging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MicroSeg.Runtime.Streams;

/// <summary>
/// The pulling agents of one provider in this silo (Orleans <c>PersistentStreamPullingManager</c>): the silo runs the
/// agent of every partition it owns on the hash ring. Each round reads the heads of the owned partitions and, for
/// every stream with events past what was delivered, starts a drain (one per stream at a time) that sends each subscription (implicit: grain classes with
/// <see cref="ImplicitStreamSubscriptionAttribute"/>; explicit: subscription rows) its events after its checkpoint,
/// in batches, one batch in flight per subscription; the checkpoint moves after the grain handled the batch. A
/// failed delivery is retried next round from the checkpoint. When ownership changes the new owner starts from
/// the stored checkpoints, so delivery is at least once and in order per subscription.
/// </summary>
internal sealed partial class StreamPullingAgent(StreamProviderRuntime runtime, IServiceProvider services, ILogger<StreamPullingAgent> logger) : BackgroundService
{
    private static readonly MethodDescriptor s_deliver = InterfaceRegistry.GetMethod(typeof(IStreamConsumerExtension).GetMethod(nameof(IStreamConsumerExtension.DeliverAsync))!);
    private static readonly TimeSpan s_recheckPeriod = TimeSpan.FromSeconds(5);
    private readonly Catalog _catalog = services.GetRequiredService<Catalog>();
    private readonly GrainTypeRegistry _types = services.GetRequiredService<GrainTypeRegistry>();
    private readonly ConcurrentDictionary<StreamId, Task> _draining = new();
    private readonly ConcurrentDictionary<StreamId, StreamHead> _pending = new();
    private int[] _owned = [];
    private long _recheckAt;
    private long _cursor;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Start once the silo has started (and joined its cluster), so ownership is known.
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var lifetime = services.GetRequiredService<IHostApplicationLifetime>();
        using (lifetime.ApplicationStarted.Register(started.SetResult))
        using (stoppingToken.Register(started.SetResult))
            await started.Task.ConfigureAwait(false);

        // Stop with the first sign of shutdown, before the silo deactivates its grains.
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, lifetime.ApplicationStopping);
        stoppingToken = stopping.Token;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RoundAsync(stoppingToken).ConfigureAwait(false);
                await runtime.WaitForWakeAsync(runtime.Options.PollInterval, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                LogAgentError(runtime.Name, ex.Message);
                await Task.WhenAny(runtime.WaitForWakeAsync(runtime.Options.PollInterval, stoppingToken)).ConfigureAwait(false);
            }
        }

        await Task.WhenAll(_draining.Values).ConfigureAwait(false);
    }

    private async Task RoundAsync(CancellationToken cancellationToken)
    {
        var owned = runtime.OwnedPartitions();
        var delivered = runtime.Delivered;
        if (!owned.SequenceEqual(_owned))
        {
            // Gained or lost partitions: start over from every head; the stored checkpoints are the truth.
            _owned = owned;
            _cursor = 0;
            _pending.Clear();
            delivered.Clear();
        }
        else if (runtime.TakeRecheckRequest() || Environment.TickCount64 >= _recheckAt)
        {
            // A local subscription that rewinds (its stream was dropped from `delivered`), or the periodic safety net.
            _cursor = 0;
        }

        if (_cursor == 0)
            _recheckAt = Environment.TickCount64 + (long)s_recheckPeriod.TotalMilliseconds;

        if (owned.Length == 0)
            return;
        var changes = await runtime.Log.ReadHeadsAsync(owned, _cursor, cancellationToken).ConfigureAwait(false);
        _cursor = changes.Next;
        foreach (var head in changes.Heads)
            AddPending(head);

        // Each stream is drained by one task at a time (so delivery stays ordered); a slow consumer holds up only
        // its own stream. Rounds do not wait for drains: a finished drain wakes the agent for what came meanwhile;
        // a failed one puts its stream back in the pending set for the next round.
        foreach (var (stream, head) in _pending)
        {
            if (delivered.TryGetValue(stream, out var done) && done >= head.LastSequence)
            {
                _pending.TryRemove(new KeyValuePair<StreamId, StreamHead>(stream, head));
                continue;
            }

            if (_draining.ContainsKey(stream))
                continue;
            if (_draining.Count >= runtime.Options.MaxConcurrentStreams)
                break;
            _pending.TryRemove(new KeyValuePair<StreamId, StreamHead>(stream, head));
            // Registered before it starts, so its removal at the end cannot come first.
            var drain = new Task<Task>(() => RunDrainAsync(head, cancellationToken));
            _draining[stream] = drain.Unwrap();
            drain.Start(TaskScheduler.Default);
        }
    }

    private void AddPending(StreamHead head) =>
        _pending.AddOrUpdate(head.Stream, head, (_, known) => known.LastSequence >= head.LastSequence ? known : head);

    private async Task RunDrainAsync(StreamHead head, CancellationToken cancellationToken)
    {
        try
        {
            if (await DrainAsync(head, cancellationToken).ConfigureAwait(false))
            {
                runtime.Delivered[head.Stream] = head.LastSequence;
                runtime.Wake();
            }
            else
            {
                AddPending(head);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            LogAgentError(runtime.Name, ex.Message);
            AddPending(head);
        }
        finally
        {
            _draining.TryRemove(head.Stream, out _);
        }
    }

    /// <summary>Delivers the stream's events up to <paramref name="head"/> to every subscription; true when all succeeded.</summary>
    private async Task<bool> DrainAsync(StreamHead head, CancellationToken cancellationToken)
    {
        var stored = await runtime.Log.ReadSubscriptionsAsync(head.Stream, cancellationToken).ConfigureAwait(false);
        var consumers = new List<(StreamSubscriptionRecord Subscription, GrainClassInfo Class)>();
        foreach (var grainClass in runtime.ImplicitSubscribers(head.Stream.Namespace))
        {
            var id = StreamProviderRuntime.ImplicitId(grainClass.GrainType, head.Stream.Namespace);
            var checkpoint = stored.FirstOrDefault(s => s.Id == id)?.Checkpoint ?? 0;
            consumers.Add((new StreamSubscriptionRecord(id, grainClass.GrainType, head.Stream.Key, checkpoint, true), grainClass));
        }

        foreach (var subscription in stored.Where(s => !s.IsImplicit))
        {
            if (_types.TryGetByGrainType(subscription.GrainType, out var grainClass))
                consumers.Add((subscription, grainClass));
        }

        var results = await Task.WhenAll(consumers.Select(c => DeliverAsync(head, c.Subscription, c.Class, cancellationToken))).ConfigureAwait(false);
        return results.All(ok => ok);
    }

    private async Task<bool> DeliverAsync(StreamHead head, StreamSubscriptionRecord subscription, GrainClassInfo grainClass, CancellationToken cancellationToken)
    {
        var position = subscription.Checkpoint;
        while (position < head.LastSequence)
        {
            var events = await runtime.Log.ReadEventsAsync(head.Stream, position, runtime.Options.MaxBatchSize, cancellationToken).ConfigureAwait(false);
            if (events.Count == 0)
                return true;
            try
            {
                var delivery = new StreamDelivery(runtime.Name, subscription.Id, head.Stream.Namespace, head.Stream.Key, [.. events]);
                var deadline = MessagingClock.Add(_catalog.NowMs, _catalog.ResponseTimeout);
                _catalog.Dispatch(grainClass, new GrainId(grainClass.GrainType, subscription.GrainKey), s_deliver.CreateLocalCall([delivery], deadline, out var delivered));
                await delivered.ConfigureAwait(false);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                LogDeliveryFailed(runtime.Name, head.Stream, subscription.GrainType, subscription.GrainKey, position + 1, ex.Message);
                return false;
            }

            position = events[^1].Sequence;
            await runtime.Log.SaveCheckpointAsync(head.Stream, subscription with { Checkpoint = position }, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    [LoggerMessage(EventId = Hosting.RuntimeEventIds.StreamDeliveryFailed, Level = LogLevel.Information,
        Message = "Stream provider {Provider}: delivery of {Stream} from #{Sequence} to {GrainType}/{GrainKey} failed, retrying next round: {Reason}")]
    private partial void LogDeliveryFailed(string provider, StreamId stream, string grainType, string grainKey, long sequence, string reason);

    [LoggerMessage(EventId = Hosting.RuntimeEventIds.StreamAgentError, Level = LogLevel.Warning, Message = "Stream provider {Provider}: pulling round failed: {Reason}")]
    private partial void LogAgentError(string provider, string reason);
}
