using System.Text.Json;
using MicroSeg.Runtime.Activation;
using MicroSeg.Runtime.Messaging;

namespace MicroSeg.Runtime.Invocation;

/// <summary>A grain in this silo: calls become work items of its activation; arguments pass by reference.</summary>
internal sealed class LocalGrainTarget(Catalog catalog, GrainClassInfo grainClass, GrainId id, InterfaceInfo grainInterface) : IGrainCallTarget
{
    public Type Interface => grainInterface.Type;

    public Task Invoke(MethodDescriptor method, object?[] args)
    {
        var deadline = MessagingClock.Add(catalog.NowMs, catalog.ResponseTimeout);
        catalog.Dispatch(grainClass, id, method.CreateLocalCall(args, deadline, out var task));
        return task;
    }

    public void InvokeOneWay(MethodDescriptor method, object?[] args) => Invoke(method, args).IgnoreFailure();

    public void WriteTo(Utf8JsonWriter writer) => ReferenceJson.WriteGrain(writer, grainInterface.Name, id.Key);

    public bool Equals(IGrainCallTarget? other) => other is LocalGrainTarget local && local.Key == Key;

    public override bool Equals(object? obj) => Equals(obj as IGrainCallTarget);

    public override int GetHashCode() => id.GetHashCode();

    public override string ToString() => $"{grainInterface.Type.Name}/{id.Key} ({id})";

    private GrainId Key => id;
}

/// <summary>An observer object in this process: calls are queued to it in order.</summary>
internal sealed class LocalObserverTarget(ObserverEntry entry, InterfaceInfo observerInterface, Guid owner, string? silo = null) : IGrainCallTarget
{
    public Type Interface => observerInterface.Type;

    public Task Invoke(MethodDescriptor method, object?[] args)
    {
        entry.Enqueue(method.CreateLocalCall(args, long.MaxValue, out var task));
        return task;
    }

    public void InvokeOneWay(MethodDescriptor method, object?[] args) => Invoke(method, args).IgnoreFailure();

    public void WriteTo(Utf8JsonWriter writer) => ReferenceJson.WriteObserver(writer, observerInterface.Name, owner, entry.Id, silo);

    public bool Equals(IGrainCallTarget? other) => other is LocalObserverTarget local && local.EntryId == entry.Id;

    public override bool Equals(object? obj) => Equals(obj as IGrainCallTarget);

    public override int GetHashCode() => entry.Id.GetHashCode();

    public override string ToString() => $"{observerInterface.Type.Name} observer {entry.Id}";

    private Guid EntryId => entry.Id;
}

/// <summary>JSON shapes of references and a helper for fire-and-forget tasks.</summary>
internal static class ReferenceJson
{
    public static void WriteGrain(Utf8JsonWriter writer, string grainInterface, string key)
    {
        writer.WriteStartObject();
        writer.WriteString("grain", grainInterface);
        writer.WriteString("key", key);
        writer.WriteEndObject();
    }

    public static void WriteObserver(Utf8JsonWriter writer, string observerInterface, Guid owner, Guid id, string? silo = null)
    {
        writer.WriteStartObject();
        writer.WriteString("observer", observerInterface);
        writer.WriteString("owner", owner);
        writer.WriteString("id", id);
        if (silo is not null)
            writer.WriteString("silo", silo);
        writer.WriteEndObject();
    }

    public static void IgnoreFailure(this Task task)
    {
        if (!task.IsCompleted)
            task.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        else
            _ = task.Exception;
    }
}
