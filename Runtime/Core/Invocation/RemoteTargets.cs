using System.Text.Json;
using MicroSeg.Runtime.Messaging;

namespace MicroSeg.Runtime.Invocation;

/// <summary>
/// A grain or observer in another process, reached over whichever connection <paramref name="connection"/>
/// returns at call time (so references survive reconnects). No connection: the call fails at once.
/// </summary>
internal sealed class RemoteTarget(Func<MessageConnection?> connection, Func<Exception> unavailable, TargetKind kind,
    InterfaceInfo targetInterface, string key, Guid owner = default, Guid observerId = default, string? silo = null) : IGrainCallTarget
{
    public Type Interface => targetInterface.Type;

    public Task Invoke(MethodDescriptor method, object?[] args)
    {
        if (connection() is not { } current)
            return method.FromException(unavailable());
        var pending = method.CreatePendingResponse();
        current.SendRequest(pending, kind, targetInterface.Name, key, method, args);
        return pending.Task;
    }

    public void InvokeOneWay(MethodDescriptor method, object?[] args) =>
        connection()?.SendRequest(null, kind, targetInterface.Name, key, method, args);

    public void WriteTo(Utf8JsonWriter writer)
    {
        if (kind == TargetKind.Grain)
            ReferenceJson.WriteGrain(writer, targetInterface.Name, key);
        else
            ReferenceJson.WriteObserver(writer, targetInterface.Name, owner, observerId, silo);
    }

    public bool Equals(IGrainCallTarget? other) =>
        other is RemoteTarget remote && remote.Kind == kind && remote.Key == key && (kind == TargetKind.Observer || remote.Interface == Interface);

    public override bool Equals(object? obj) => Equals(obj as IGrainCallTarget);

    public override int GetHashCode() => HashCode.Combine(kind, key);

    public override string ToString() => kind == TargetKind.Grain ? $"{Interface.Name}/{key}" : $"{Interface.Name} observer {observerId} of {owner}";

    private TargetKind Kind => kind;

    private string Key => key;
}
