namespace MicroSeg.Runtime;

/// <summary>Receives the events of a stream (Orleans <c>IAsyncObserver&lt;T&gt;</c>). Calls to one observer never overlap.</summary>
/// <typeparam name="T">The event type.</typeparam>
public interface IAsyncObserver<in T>
{
    /// <summary>Receives the next event. Throwing makes the runtime deliver the event (and those after it) again later.</summary>
    /// <param name="item">The event.</param>
    /// <param name="token">The event's position in the stream.</param>
    /// <returns>A task that completes when the event is handled; only then is it acknowledged (checkpointed).</returns>
    Task OnNextAsync(T item, StreamSequenceToken? token = null);

    /// <summary>The stream ended; durable streams never end, so the runtime does not call this today.</summary>
    /// <returns>A task.</returns>
    Task OnCompletedAsync();

    /// <summary>The stream failed; durable streams redeliver instead, so the runtime does not call this today.</summary>
    /// <param name="ex">The failure.</param>
    /// <returns>A task.</returns>
    Task OnErrorAsync(Exception ex);
}

/// <summary>
/// A durable stream (Orleans <c>IAsyncStream&lt;T&gt;</c>): events are appended to the provider's log with a
/// per-stream sequence number and delivered, in order and at least once, to every subscription.
/// </summary>
/// <typeparam name="T">The event type (serialized with System.Text.Json).</typeparam>
public interface IAsyncStream<T> : IEquatable<IAsyncStream<T>>
{
    /// <summary>The stream's identity.</summary>
    StreamId StreamId { get; }

    /// <summary>The name of the provider the stream belongs to.</summary>
    string ProviderName { get; }

    /// <summary>Appends one event; completes when it is durably in the log (not when it is delivered).</summary>
    /// <param name="item">The event.</param>
    /// <param name="token">Not supported (must be null): the log assigns sequence numbers.</param>
    /// <returns>A task that completes when the event is stored.</returns>
    Task OnNextAsync(T item, StreamSequenceToken? token = null);

    /// <summary>Appends events atomically and contiguously, in order.</summary>
    /// <param name="batch">The events.</param>
    /// <param name="token">Not supported (must be null).</param>
    /// <returns>A task that completes when the events are stored.</returns>
    Task OnNextBatchAsync(IEnumerable<T> batch, StreamSequenceToken? token = null);

    /// <summary>
    /// Subscribes the calling grain (only grains can consume). In a grain whose class has
    /// <see cref="ImplicitStreamSubscriptionAttribute"/> for this namespace and whose key is the stream key, this
    /// attaches <paramref name="observer"/> to the implicit subscription; otherwise it creates an explicit,
    /// durable subscription that starts after the current last event (or at <paramref name="token"/>).
    /// </summary>
    /// <param name="observer">Receives the events; runs as turns of the grain.</param>
    /// <param name="token">Deliver from this sequence number (inclusive); null for new events only.</param>
    /// <returns>The subscription's handle.</returns>
    Task<StreamSubscriptionHandle<T>> SubscribeAsync(IAsyncObserver<T> observer, StreamSequenceToken? token = null);

    /// <summary>The calling grain's subscriptions to this stream (to resume them in <c>OnActivateAsync</c>).</summary>
    /// <returns>The handles.</returns>
    Task<IList<StreamSubscriptionHandle<T>>> GetAllSubscriptionHandles();
}

/// <summary>A subscription of a grain to a stream (Orleans <c>StreamSubscriptionHandle&lt;T&gt;</c>).</summary>
/// <typeparam name="T">The event type.</typeparam>
public abstract class StreamSubscriptionHandle<T>
{
    /// <summary>The subscription id (deterministic for implicit subscriptions).</summary>
    public abstract Guid HandleId { get; }

    /// <summary>The stream subscribed to.</summary>
    public abstract StreamId StreamId { get; }

    /// <summary>The provider of the stream.</summary>
    public abstract string ProviderName { get; }

    /// <summary>Deletes the subscription (explicit), or detaches the observer (implicit subscriptions cannot be deleted).</summary>
    /// <returns>A task that completes when the subscription is gone.</returns>
    public abstract Task UnsubscribeAsync();

    /// <summary>Attaches <paramref name="observer"/> to this subscription in the current activation (after reactivation).</summary>
    /// <param name="observer">Receives the events.</param>
    /// <param name="token">Not supported (must be null): delivery resumes from the subscription's checkpoint.</param>
    /// <returns>The handle.</returns>
    public abstract Task<StreamSubscriptionHandle<T>> ResumeAsync(IAsyncObserver<T> observer, StreamSequenceToken? token = null);
}

/// <summary>A named stream provider (Orleans <c>IStreamProvider</c>).</summary>
public interface IStreamProvider
{
    /// <summary>The provider's name.</summary>
    string Name { get; }

    /// <summary>Whether events are kept in a durable log (true for SQLite and PostgreSQL).</summary>
    bool IsRewindable { get; }

    /// <summary>Gets a stream of this provider; cheap, no I/O.</summary>
    /// <typeparam name="T">The event type.</typeparam>
    /// <param name="streamId">The stream.</param>
    /// <returns>The stream.</returns>
    IAsyncStream<T> GetStream<T>(StreamId streamId);
}

/// <summary>
/// Grains of the class are subscribed to every stream of the namespace (Orleans
/// <c>[ImplicitStreamSubscription]</c>): an event on stream (namespace, key) activates the grain with that key,
/// which attaches its observer with <see cref="IAsyncStream{T}.SubscribeAsync"/> in <c>OnActivateAsync</c>.
/// </summary>
/// <param name="streamNamespace">The stream namespace.</param>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = true)]
public sealed class ImplicitStreamSubscriptionAttribute(string streamNamespace) : Attribute
{
    /// <summary>The stream namespace.</summary>
    public string Namespace { get; } = streamNamespace;
}
