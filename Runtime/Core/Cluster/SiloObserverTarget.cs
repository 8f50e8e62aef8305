using System.Text.Json;
using MicroSeg.Runtime.Activation;
using MicroSeg.Runtime.Invocation;
using MicroSeg.Runtime.Messaging;

namespace MicroSeg.Runtime.Cluster;

/// <summary>
/// An observer reachable through another silo (that silo's own object, or a client of its gateway): calls
/// are forwarded over the silo link and relayed there. If that silo is gone the call fails with
/// <see cref="SiloUnavailableException"/>; the client re-subscribes through its new gateway.
/// </summary>
internal sealed class SiloObserverTarget(SiloConnections silos, Catalog catalog, SiloAddress silo, InterfaceInfo observerInterface, string key, Guid owner, Guid id)
    : IGrainCallTarget
{
    public Type Interface => observerInterface.Type;

    public Task Invoke(MethodDescriptor method, object?[] args)
    {
        var item = method.CreateLocalCall(args, MessagingClock.Add(catalog.NowMs, catalog.ResponseTimeout), out var task);
        silos.Forward(silo, TargetKind.Observer, observerInterface.Name, key, item);
        return task;
    }

    public void InvokeOneWay(MethodDescriptor method, object?[] args) => Invoke(method, args).IgnoreFailure();

    public void WriteTo(Utf8JsonWriter writer) => ReferenceJson.WriteObserver(writer, observerInterface.Name, owner, id, silo.ToString());

    public bool Equals(IGrainCallTarget? other) => other is SiloObserverTarget remote && remote.Key == key;

    public override bool Equals(object? obj) => Equals(obj as IGrainCallTarget);

    public override int GetHashCode() => key.GetHashCode(StringComparison.Ordinal);

    public override string ToString() => $"{observerInterface.Type.Name} observer {id} of {owner} via silo {silo}";

    private string Key => key;
}
