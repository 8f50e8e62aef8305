using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using MicroSeg.Runtime.Invocation;

namespace MicroSeg.Runtime.Messaging;

/// <summary>Frame kinds. Every frame is: int32 length (little endian, of what follows), kind, int64 request id, then the kind's fields.</summary>
internal enum FrameKind : byte
{
    Request = 1,
    Response = 2,
    Hello = 3,
    HelloAck = 4,
}

/// <summary>What a request addresses.</summary>
internal enum TargetKind : byte
{
    Grain = 0,
    Observer = 1,

    /// <summary>
    /// Silo to silo: the target is a grain type name (not an interface); the receiver hosts the grain when its
    /// own view says it owns it, else passes the call on to the owner it sees.
    /// </summary>
    GrainType = 2,

    /// <summary>
    /// Silo to silo: a per-silo runtime service addressed as a grain type (Orleans' system targets), hosted by
    /// the receiving silo whatever the placement says, and served even before that silo is ready.
    /// </summary>
    SystemTarget = 3,
}

/// <summary>A decoded request; <see cref="Body"/> (the JSON array of arguments) is only valid during the callback.</summary>
internal readonly ref struct RequestFrame(long id, bool oneWay, int forwardCount, TargetKind kind, string targetInterface, string methodId, string targetKey, ReadOnlySpan<byte> body)
{
    public long Id { get; } = id;

    public bool OneWay { get; } = oneWay;

    /// <summary>How many silos already passed this call on because their view named another owner.</summary>
    public int ForwardCount { get; } = forwardCount;

    public TargetKind Kind { get; } = kind;

    public string TargetInterface { get; } = targetInterface;

    public string MethodId { get; } = methodId;

    public string TargetKey { get; } = targetKey;

    public ReadOnlySpan<byte> Body { get; } = body;
}

/// <summary>Writes and reads the length-prefixed frames of the gateway protocol; bodies are UTF-8 JSON.</summary>
internal static class FrameCodec
{
    public const int HeaderSize = 4 + 1 + 8;
    /// <summary>The most a forward count can record (two flag bits); callers keep well below it.</summary>
    public const int MaxForwardCount = 3;
    private const byte OneWayFlag = 1;
    private const int ForwardCountShift = 1;

    [ThreadStatic]
    private static Utf8JsonWriter? t_json;

    public static OutgoingFrame Request(long id, bool oneWay, int forwardCount, TargetKind kind, string targetInterface, string targetKey,
        MethodDescriptor method, object?[] args, JsonSerializerOptions options)
    {
        var buffer = Begin(FrameKind.Request, id, 256);
        try
        {
            var span = buffer.GetSpan(2);
            span[0] = (byte)((oneWay ? OneWayFlag : 0) | (Math.Clamp(forwardCount, 0, MaxForwardCount) << ForwardCountShift));
            span[1] = (byte)kind;
            buffer.Advance(2);
            WriteString(buffer, targetInterface);
            WriteString(buffer, method.Id);
            WriteString(buffer, targetKey);
            var json = Json(buffer);
            json.WriteStartArray();
            for (var i = 0; i < args.Length; i++)
                JsonSerializer.Serialize(json, args[i], options.GetTypeInfo(method.ParameterTypes[i]));
            json.WriteEndArray();
            json.Flush();
            return End(buffer);
        }
        catch
        {
            buffer.Dispose();
            throw;
        }
    }

    public static OutgoingFrame Response<T>(long id, T value, MethodDescriptor<T> method, JsonSerializerOptions options)
    {
        var buffer = Begin(FrameKind.Response, id, 128);
        try
        {
            buffer.GetSpan(1)[0] = 0;
            buffer.Advance(1);
            var json = Json(buffer);
            if (method.ReturnsVoid)
                json.WriteNullValue();
            else
                JsonSerializer.Serialize(json, value, (JsonTypeInfo<T>)options.GetTypeInfo(typeof(T)));
            json.Flush();
            return End(buffer);
        }
        catch
        {
            buffer.Dispose();
            throw;
        }
    }

    public static OutgoingFrame Error(long id, Exception exception)
    {
        var buffer = Begin(FrameKind.Response, id, 512);
        buffer.GetSpan(1)[0] = 1;
        buffer.Advance(1);
        var json = Json(buffer);
        ExceptionCodec.Write(json, exception);
        json.Flush();
        return End(buffer);
    }

    public static OutgoingFrame Hello(FrameKind kind, string payload)
    {
        var buffer = Begin(kind, 0, 64);
        WriteString(buffer, payload);
        return End(buffer);
    }

    /// <summary>Takes one complete frame (without its length prefix) off the front of <paramref name="buffer"/>.</summary>
    public static bool TryReadFrame(ref ReadOnlySequence<byte> buffer, int maxFrameBytes, out ReadOnlySequence<byte> frame)
    {
        frame = default;
        if (buffer.Length < 4)
            return false;
        Span<byte> prefix = stackalloc byte[4];
        buffer.Slice(0, 4).CopyTo(prefix);
        var length = BinaryPrimitives.ReadInt32LittleEndian(prefix);
        if (length < HeaderSize - 4 || length > maxFrameBytes)
            throw new InvalidDataException($"Frame of {length} bytes is outside 9..{maxFrameBytes}; closing the connection.");
        if (buffer.Length < 4 + length)
            return false;
        frame = buffer.Slice(4, length);
        buffer = buffer.Slice(frame.End);
        return true;
    }

    public static string ReadString(ref ReadOnlySpan<byte> span)
    {
        var length = BinaryPrimitives.ReadInt32LittleEndian(span);
        var value = Encoding.UTF8.GetString(span.Slice(4, length));
        span = span[(4 + length)..];
        return value;
    }

    public static RequestFrame ReadRequest(long id, ReadOnlySpan<byte> span)
    {
        var flags = span[0];
        var kind = (TargetKind)span[1];
        span = span[2..];
        var targetInterface = ReadString(ref span);
        var methodId = ReadString(ref span);
        var targetKey = ReadString(ref span);
        return new RequestFrame(id, (flags & OneWayFlag) != 0, (flags >> ForwardCountShift) & MaxForwardCount, kind, targetInterface, methodId, targetKey, span);
    }

    private static PooledBufferWriter Begin(FrameKind kind, long id, int size)
    {
        var buffer = new PooledBufferWriter(size);
        var span = buffer.GetSpan(HeaderSize);
        span[4] = (byte)kind;
        BinaryPrimitives.WriteInt64LittleEndian(span[5..], id);
        buffer.Advance(HeaderSize);
        return buffer;
    }

    private static OutgoingFrame End(PooledBufferWriter buffer)
    {
        BinaryPrimitives.WriteInt32LittleEndian(buffer.WrittenSpan, buffer.WrittenCount - 4);
        return buffer.Detach();
    }

    private static void WriteString(PooledBufferWriter buffer, string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        var span = buffer.GetSpan(4 + length);
        BinaryPrimitives.WriteInt32LittleEndian(span, length);
        Encoding.UTF8.GetBytes(value, span[4..]);
        buffer.Advance(4 + length);
    }

    private static Utf8JsonWriter Json(PooledBufferWriter buffer)
    {
        var json = t_json ??= new Utf8JsonWriter(buffer);
        json.Reset(buffer);
        return json;
    }
}
