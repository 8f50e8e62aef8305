using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Text.Json;
using System.Threading.Channels;
using MicroSeg.Runtime.Invocation;
using Microsoft.Extensions.Logging;

namespace MicroSeg.Runtime.Messaging;

/// <summary>
/// One framed, multiplexed connection over a pair of pipes, used by both the gateway and the client:
/// requests carry ids, responses are correlated to pending calls, writes are queued (bounded, so senders
/// wait when the peer is slow) and flushed once per batch. When it closes, every pending call fails at once.
/// </summary>
internal sealed partial class MessageConnection
{
    private readonly PipeReader _input;
    private readonly PipeWriter _output;
    private readonly IMessageHandler _handler;
    private readonly MessagingLimits _limits;
    private readonly TimeProvider _time;
    private readonly Func<MessageConnection, Exception> _connectionLost;
    private readonly ILogger _logger;
    private readonly Channel<OutgoingFrame> _outgoing;
    private readonly ConcurrentDictionary<long, PendingResponse> _pending = new();
    private readonly CancellationTokenSource _closed = new();
    private long _nextId;

    public MessageConnection(string name, PipeReader input, PipeWriter output, IMessageHandler handler, JsonSerializerOptions serializer,
        MessagingLimits limits, TimeProvider time, Func<MessageConnection, Exception> connectionLost, ILogger logger)
    {
        Name = name;
        _input = input;
        _output = output;
        _handler = handler;
        Serializer = serializer;
        _limits = limits;
        _time = time;
        _connectionLost = connectionLost;
        _logger = logger;
        _outgoing = Channel.CreateBounded<OutgoingFrame>(new BoundedChannelOptions(limits.OutgoingQueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    /// <summary>The peer, for logs and errors ("client 3f2a…" or "gateway host:port").</summary>
    public string Name { get; set; }

    /// <summary>The peer's id once the handshake named it.</summary>
    public Guid RemoteId { get; set; }

    public JsonSerializerOptions Serializer { get; }

    public bool IsClosed => _closed.IsCancellationRequested;

    public CancellationToken Closed => _closed.Token;

    /// <summary>Reads and writes until either side ends or <paramref name="cancellationToken"/> fires; then fails pending calls.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var sweep = TimeSpan.FromMilliseconds(Math.Clamp(_limits.ResponseTimeout.TotalMilliseconds / 4, 10, 1000));
        using var registration = cancellationToken.Register(static s => ((MessageConnection)s!).Abort(), this);
        using var timer = _time.CreateTimer(static s => ((MessageConnection)s!).ExpireDue(), this, sweep, sweep);
        var reading = ReadLoopAsync();
        var writing = WriteLoopAsync();
        await Task.WhenAny(reading, writing).ConfigureAwait(false);
        Abort();
        await ObserveAsync(reading).ConfigureAwait(false);
        await ObserveAsync(writing).ConfigureAwait(false);
        FailAll();
        await _input.CompleteAsync().ConfigureAwait(false);
        await _output.CompleteAsync().ConfigureAwait(false);
    }

    /// <summary>Closes the connection: loops stop, pending calls fail.</summary>
    public void Abort()
    {
        if (_closed.IsCancellationRequested)
            return;
        try
        {
            _closed.Cancel();
        }
        catch (ObjectDisposedException)
        {
            return;
        }

        _outgoing.Writer.TryComplete();
        _input.CancelPendingRead();
        _output.CancelPendingFlush();
    }

    /// <summary>
    /// Sends a request; <paramref name="pending"/> (null for one-way) completes with its response.
    /// <paramref name="forwardCount"/> counts the silos that already passed the call on (silo links only).
    /// </summary>
    public void SendRequest(PendingResponse? pending, TargetKind kind, string targetInterface, string targetKey, MethodDescriptor method, object?[] args,
        int forwardCount = 0)
    {
        if (IsClosed)
        {
            pending?.Fail(_connectionLost(this));
            return;
        }

        var id = Interlocked.Increment(ref _nextId);
        OutgoingFrame frame;
        try
        {
            frame = FrameCodec.Request(id, pending is null, forwardCount, kind, targetInterface, targetKey, method, args, Serializer);
        }
        catch (Exception ex)
        {
            pending?.Fail(new GrainCallException($"The arguments of {method.Id} could not be serialized: {ex.Message}"));
            return;
        }

        if (pending is not null)
        {
            pending.Deadline = MessagingClock.Add(MessagingClock.NowMs(_time), _limits.ResponseTimeout);
            _pending[id] = pending;
        }

        Enqueue(frame);
        if (pending is not null && IsClosed && _pending.TryRemove(id, out _))
            pending.Fail(_connectionLost(this));
    }

    public void SendResponse<T>(long requestId, T result, MethodDescriptor<T> method)
    {
        OutgoingFrame frame;
        try
        {
            frame = FrameCodec.Response(requestId, result, method, Serializer);
        }
        catch (Exception ex)
        {
            SendError(requestId, new GrainCallException($"The result of {method.Id} could not be serialized: {ex.Message}"));
            return;
        }

        Enqueue(frame);
    }

    public void SendError(long requestId, Exception exception) => Enqueue(FrameCodec.Error(requestId, exception));

    public void SendHello(FrameKind kind, string payload) => Enqueue(FrameCodec.Hello(kind, payload));

    private void Enqueue(OutgoingFrame frame)
    {
        if (!_outgoing.Writer.TryWrite(frame))
            _ = EnqueueSlowAsync(frame);
    }

    private async Task EnqueueSlowAsync(OutgoingFrame frame)
    {
        try
        {
            await _outgoing.Writer.WriteAsync(frame, _closed.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is ChannelClosedException or OperationCanceledException)
        {
            frame.Return();
        }
    }

    private async Task ReadLoopAsync()
    {
        while (true)
        {
            var result = await _input.ReadAsync().ConfigureAwait(false);
            if (result.IsCanceled)
                return;
            var buffer = result.Buffer;
            try
            {
                while (FrameCodec.TryReadFrame(ref buffer, _limits.MaxFrameBytes, out var frame))
                    Process(frame);
            }
            finally
            {
                _input.AdvanceTo(buffer.Start, buffer.End);
            }

            if (result.IsCompleted)
                return;
        }
    }

    private void Process(ReadOnlySequence<byte> frame)
    {
        if (frame.IsSingleSegment)
        {
            Process(frame.FirstSpan);
            return;
        }

        var copy = ArrayPool<byte>.Shared.Rent((int)frame.Length);
        try
        {
            frame.CopyTo(copy);
            Process(copy.AsSpan(0, (int)frame.Length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(copy);
        }
    }

    private void Process(ReadOnlySpan<byte> frame)
    {
        var kind = (FrameKind)frame[0];
        var id = BinaryPrimitives.ReadInt64LittleEndian(frame[1..]);
        var rest = frame[9..];
        switch (kind)
        {
            case FrameKind.Request:
                _handler.OnRequest(this, FrameCodec.ReadRequest(id, rest));
                break;
            case FrameKind.Response:
                if (_pending.TryRemove(id, out var pending))
                {
                    if (rest[0] == 0)
                        pending.Complete(rest[1..], Serializer);
                    else
                        pending.Fail(ExceptionCodec.Read(rest[1..]));
                }

                break;
            case FrameKind.Hello or FrameKind.HelloAck:
                _handler.OnHello(this, kind, FrameCodec.ReadString(ref rest));
                break;
            default:
                throw new InvalidDataException($"Unknown frame kind {(byte)kind}.");
        }
    }

    private async Task WriteLoopAsync()
    {
        var reader = _outgoing.Reader;
        try
        {
            while (await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                var unflushed = 0;
                while (reader.TryRead(out var frame))
                {
                    _output.Write(frame.Span);
                    unflushed += frame.Length;
                    frame.Return();
                    if (unflushed >= 256 * 1024)
                        break;
                }

                var flush = await _output.FlushAsync().ConfigureAwait(false);
                if (flush.IsCompleted || flush.IsCanceled)
                    return;
            }
        }
        finally
        {
            while (reader.TryRead(out var frame))
                frame.Return();
        }
    }

    private async Task ObserveAsync(Task loop)
    {
        try
        {
            await loop.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogLoopEnded(Name, ex.Message);
        }
    }

    private void ExpireDue()
    {
        if (_pending.IsEmpty)
            return;
        var now = MessagingClock.NowMs(_time);
        foreach (var (id, pending) in _pending)
        {
            if (pending.Deadline <= now && _pending.TryRemove(id, out _))
                pending.Fail(new TimeoutException($"{pending.Method.Id} sent to {Name} got no response within {_limits.ResponseTimeout}."));
        }
    }

    private void FailAll()
    {
        foreach (var id in _pending.Keys)
        {
            if (_pending.TryRemove(id, out var pending))
                pending.Fail(_connectionLost(this));
        }
    }
}
