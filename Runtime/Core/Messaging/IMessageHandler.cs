namespace MicroSeg.Runtime.Messaging;

/// <summary>What one side of a connection does with the frames that are not responses.</summary>
internal interface IMessageHandler
{
    /// <summary>A request arrived; decode it now (the body is only valid during the call) and answer on the connection.</summary>
    void OnRequest(MessageConnection connection, in RequestFrame request);

    /// <summary>A handshake frame arrived.</summary>
    void OnHello(MessageConnection connection, FrameKind kind, string payload);
}

/// <summary>Limits of one connection.</summary>
/// <param name="OutgoingQueueCapacity">Frames queued for writing before senders wait (back-pressure).</param>
/// <param name="MaxFrameBytes">Largest frame accepted; a larger one closes the connection.</param>
/// <param name="ResponseTimeout">How long a request waits for its response.</param>
internal sealed record MessagingLimits(int OutgoingQueueCapacity, int MaxFrameBytes, TimeSpan ResponseTimeout);
