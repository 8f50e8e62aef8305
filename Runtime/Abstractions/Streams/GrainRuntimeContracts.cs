namespace MicroSeg.Runtime;

/// <summary>What the runtime's activation offers a grain beyond <see cref="IGrainActivationContext"/>.</summary>
internal interface IGrainRuntimeContext
{
    IStreamProvider GetStreamProvider(string name);

    Task DeliverStreamAsync(StreamDelivery delivery);

    Task<IGrainReminder> RegisterOrUpdateReminder(string reminderName, TimeSpan dueTime, TimeSpan period);

    Task UnregisterReminder(IGrainReminder reminder);

    Task<IGrainReminder?> GetReminder(string reminderName);

    Task<List<IGrainReminder>> GetReminders();
}

/// <summary>
/// The system call by which a pulling agent hands a batch of stream events to a consuming grain (any grain class;
/// addressed by grain type and key, so it derives from <see cref="IAddressable"/> only and is no grain interface).
/// </summary>
internal interface IStreamConsumerExtension : IAddressable
{
    Task DeliverAsync(StreamDelivery delivery);
}

/// <summary>Events of one stream for one subscription, in sequence order.</summary>
internal sealed record StreamDelivery(string Provider, Guid SubscriptionId, string Namespace, string Key, StreamEventData[] Events);

/// <summary>One stored event: its sequence number and JSON payload.</summary>
internal sealed record StreamEventData(long Sequence, string Payload);
