namespace MicroSeg.Runtime.Streams;

/// <summary>The observers one activation attached to its subscriptions, by provider and subscription id.</summary>
internal sealed class GrainStreamConsumers(string grain)
{
    private readonly Dictionary<(string Provider, Guid Id), Func<StreamDelivery, Task>> _observers = [];

    public void Attach(string provider, Guid id, Func<StreamDelivery, Task> deliver)
    {
        lock (_observers)
            _observers[(provider, id)] = deliver;
    }

    public void Detach(string provider, Guid id)
    {
        lock (_observers)
            _observers.Remove((provider, id));
    }

    /// <summary>Runs the attached observer on the batch (inside a turn of the grain); throws when none is attached, so the agent retries.</summary>
    public Task DeliverAsync(StreamDelivery delivery)
    {
        Func<StreamDelivery, Task>? deliver;
        lock (_observers)
            _observers.TryGetValue((delivery.Provider, delivery.SubscriptionId), out deliver);
        return deliver is null
            ? throw new InvalidOperationException(
                $"Grain {grain} has no observer for subscription {delivery.SubscriptionId} of stream {delivery.Namespace}/{delivery.Key} ({delivery.Provider}); " +
                "call SubscribeAsync (implicit subscription) or ResumeAsync on the handles from GetAllSubscriptionHandles (explicit) in OnActivateAsync.")
            : deliver(delivery);
    }
}
