namespace MicroSeg.Runtime;

/// <summary>Stream access from grain code (Orleans <c>GrainStreamingExtensions</c>).</summary>
public static class GrainStreamingExtensions
{
    /// <summary>Gets a stream provider registered on the silo; its streams subscribe this grain.</summary>
    /// <param name="grain">The calling grain.</param>
    /// <param name="name">The provider name given to AddMemoryStreams/AddSqliteStreams/AddPostgresStreams.</param>
    /// <returns>The provider.</returns>
    public static IStreamProvider GetStreamProvider(this Grain grain, string name)
    {
        ArgumentNullException.ThrowIfNull(grain);
        ArgumentException.ThrowIfNullOrEmpty(name);
        return grain.RuntimeContext.GetStreamProvider(name);
    }
}

/// <content>The runtime hooks a grain uses for streams and reminders.</content>
public abstract partial class Grain : IStreamConsumerExtension
{
    internal IGrainRuntimeContext RuntimeContext => Context as IGrainRuntimeContext
        ?? throw new InvalidOperationException($"{GetType().Name}: the runtime does not support streams or reminders here.");

    Task IStreamConsumerExtension.DeliverAsync(StreamDelivery delivery) => RuntimeContext.DeliverStreamAsync(delivery);
}
