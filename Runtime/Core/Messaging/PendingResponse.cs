using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using MicroSeg.Runtime.Invocation;

namespace MicroSeg.Runtime.Messaging;

/// <summary>A call sent over a connection, waiting for its response frame.</summary>
internal abstract class PendingResponse
{
    /// <summary>When the caller gives up, in <see cref="MessagingClock"/> milliseconds.</summary>
    public long Deadline { get; set; }

    public abstract MethodDescriptor Method { get; }

    public abstract Task Task { get; }

    public abstract void Complete(ReadOnlySpan<byte> body, JsonSerializerOptions options);

    public abstract void Fail(Exception exception);
}

internal sealed class PendingResponse<T>(MethodDescriptor<T> method) : PendingResponse
{
    private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override MethodDescriptor Method => method;

    public override Task Task => _completion.Task;

    public override void Complete(ReadOnlySpan<byte> body, JsonSerializerOptions options)
    {
        if (method.ReturnsVoid)
        {
            _completion.TrySetResult(default!);
            return;
        }

        try
        {
            var reader = new Utf8JsonReader(body);
            _completion.TrySetResult(JsonSerializer.Deserialize(ref reader, (JsonTypeInfo<T>)options.GetTypeInfo(typeof(T)))!);
        }
        catch (Exception ex)
        {
            _completion.TrySetException(new GrainCallException($"The result of {method.Id} could not be deserialized: {ex.Message}"));
        }
    }

    public override void Fail(Exception exception) => _completion.TrySetException(exception);
}

/// <summary>A call that arrived on a connection; its outcome is sent back there (unless one-way).</summary>
internal sealed class IncomingCall<T>(MethodDescriptor<T> method, object?[] args, MessageConnection connection, long requestId)
    : Invocation<T>(method, args)
{
    protected override void OnSucceeded(T result)
    {
        if (!Method.OneWay)
            connection.SendResponse(requestId, result, Method);
    }

    protected override void OnFailed(Exception exception)
    {
        if (!Method.OneWay)
            connection.SendError(requestId, exception);
    }
}

/// <summary>Monotonic milliseconds from a <see cref="TimeProvider"/>, for deadlines.</summary>
internal static class MessagingClock
{
    public static long NowMs(TimeProvider time) => (long)(time.GetTimestamp() * 1000.0 / time.TimestampFrequency);

    public static long Add(long nowMs, TimeSpan span) =>
        span == Timeout.InfiniteTimeSpan ? long.MaxValue : nowMs + (long)span.TotalMilliseconds;
}
