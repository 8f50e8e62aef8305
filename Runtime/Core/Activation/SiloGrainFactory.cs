using System.Collections.Concurrent;
using System.Globalization;
using MicroSeg.Runtime.Cluster;
using MicroSeg.Runtime.Gateway;
using MicroSeg.Runtime.Invocation;
using MicroSeg.Runtime.Messaging;
using MicroSeg.Runtime.Serialization;

namespace MicroSeg.Runtime.Activation;

/// <summary>
/// The silo's <see cref="IGrainFactory"/> (and local <see cref="IClusterClient"/>): references to grains of
/// this silo, and to observers here or in connected clients.
/// </summary>
internal sealed class SiloGrainFactory(GrainTypeRegistry types, Catalog catalog, ObserverRegistry observers, IServiceProvider services)
    : IClusterClient, IReferenceRuntime
{
    private readonly ConcurrentDictionary<Type, (InterfaceInfo Interface, GrainClassInfo Class)> _grains = new();
    private GatewayService? _gateway;

    public bool IsConnected => true;

    internal IServiceProvider Services => services;

    public TGrain GetGrain<TGrain>(string key) where TGrain : IGrainWithStringKey
    {
        ArgumentNullException.ThrowIfNull(key);
        return (TGrain)GrainReference(typeof(TGrain), key);
    }

    public TGrain GetGrain<TGrain>(Guid key) where TGrain : IGrainWithGuidKey => (TGrain)GrainReference(typeof(TGrain), key.ToString("D"));

    public TGrain GetGrain<TGrain>(long key) where TGrain : IGrainWithIntegerKey =>
        (TGrain)GrainReference(typeof(TGrain), key.ToString(CultureInfo.InvariantCulture));

    public TGrainObserverInterface CreateObjectReference<TGrainObserverInterface>(IGrainObserver obj) where TGrainObserverInterface : IGrainObserver =>
        (TGrainObserverInterface)observers.CreateReference(typeof(TGrainObserverInterface), obj);

    public void DeleteObjectReference<TGrainObserverInterface>(IGrainObserver obj) where TGrainObserverInterface : IGrainObserver =>
        observers.Delete(obj);

    public object GrainReference(Type grainInterface, string key)
    {
        if (!_grains.TryGetValue(grainInterface, out var entry))
            entry = _grains.GetOrAdd(grainInterface, static (type, t) => (InterfaceRegistry.For(type), t.Resolve(type)), types);
        return entry.Interface.CreateReference(new LocalGrainTarget(catalog, entry.Class, new GrainId(entry.Class.GrainType, key), entry.Interface));
    }

    public object ObserverReference(Type observerInterface, Guid owner, Guid id, string? silo)
    {
        var info = InterfaceRegistry.For(observerInterface);
        if (owner == observers.OwnerId && observers.TryGet(id, out var entry))
            return info.CreateReference(new LocalObserverTarget(entry, info, owner, observers.Location));
        var gateway = _gateway ??= (GatewayService)services.GetService(typeof(GatewayService))!;
        var key = ObserverRegistry.FormatKey(owner, id);
        // Observed through another silo (its own object, or a client of its gateway): calls travel over the silo link.
        if (silo is not null && silo != observers.Location && gateway.GetClient(owner) is null && SiloAddress.TryParse(silo, out var remote))
            return info.CreateReference(new SiloObserverTarget((SiloConnections)services.GetService(typeof(SiloConnections))!, catalog, remote, info, key, owner, id));
        return info.CreateReference(new RemoteTarget(() => gateway.GetClient(owner),
            () => new ClientNotAvailableException($"Client {owner} is not connected; its {observerInterface.Name} observer cannot be called."),
            TargetKind.Observer, info, key, owner, id, observers.Location));
    }
}
