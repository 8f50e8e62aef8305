using System.Globalization;
using MicroSeg.Runtime.Invocation;
using MicroSeg.Runtime.Messaging;
using MicroSeg.Runtime.Serialization;

namespace MicroSeg.Runtime.Client;

/// <summary>
/// The external client: grain references send over the current gateway connection (failing at once when
/// there is none); observer calls arriving from the silo run on the local objects.
/// </summary>
internal sealed class ClusterClient : IClusterClient, IReferenceRuntime, IMessageHandler
{
    private readonly ObserverRegistry _observers = new(Guid.NewGuid());
    private volatile MessageConnection? _connection;
    private volatile TaskCompletionSource<string>? _handshake;

    public ClusterClient(IEnumerable<JsonResolverRegistration> resolvers)
    {
        Serializer = new GrainSerializer(resolvers, () => this);
    }

    public Guid ClientId => _observers.OwnerId;

    public GrainSerializer Serializer { get; }

    public bool IsConnected => _connection is { IsClosed: false };

    /// <summary>The gateway currently in use, for display.</summary>
    public string? Gateway { get; private set; }

    internal MessageConnection? Connection => _connection is { IsClosed: false } connection ? connection : null;

    public TGrain GetGrain<TGrain>(string key) where TGrain : IGrainWithStringKey
    {
        ArgumentNullException.ThrowIfNull(key);
        return (TGrain)GrainReference(typeof(TGrain), key);
    }

    public TGrain GetGrain<TGrain>(Guid key) where TGrain : IGrainWithGuidKey => (TGrain)GrainReference(typeof(TGrain), key.ToString("D"));

    public TGrain GetGrain<TGrain>(long key) where TGrain : IGrainWithIntegerKey =>
        (TGrain)GrainReference(typeof(TGrain), key.ToString(CultureInfo.InvariantCulture));

    public TGrainObserverInterface CreateObjectReference<TGrainObserverInterface>(IGrainObserver obj) where TGrainObserverInterface : IGrainObserver =>
        (TGrainObserverInterface)_observers.CreateReference(typeof(TGrainObserverInterface), obj);

    public void DeleteObjectReference<TGrainObserverInterface>(IGrainObserver obj) where TGrainObserverInterface : IGrainObserver =>
        _observers.Delete(obj);

    public object GrainReference(Type grainInterface, string key)
    {
        var info = InterfaceRegistry.For(grainInterface);
        return info.CreateReference(new RemoteTarget(() => Connection, NotConnected, TargetKind.Grain, info, key));
    }

    public object ObserverReference(Type observerInterface, Guid owner, Guid id, string? silo)
    {
        var info = InterfaceRegistry.For(observerInterface);
        if (owner == _observers.OwnerId && _observers.TryGet(id, out var entry))
            return info.CreateReference(new LocalObserverTarget(entry, info, owner));
        return info.CreateReference(new RemoteTarget(() => Connection, NotConnected, TargetKind.Observer, info,
            ObserverRegistry.FormatKey(owner, id), owner, id));
    }

    public void OnRequest(MessageConnection connection, in RequestFrame request)
    {
        try
        {
            if (!InterfaceRegistry.TryGetMethod(request.MethodId, out var method))
                throw new NotSupportedException($"The client does not know method {request.MethodId}.");
            if (!ObserverRegistry.TryParseKey(request.TargetKey, out _, out var id) || !_observers.TryGet(id, out var entry))
                throw new InvalidOperationException($"Observer {request.TargetKey} does not exist in client {ClientId} (deleted, or the client restarted).");
            entry.Enqueue(method.CreateIncomingCall(ArgumentCodec.Read(request.Body, method, connection.Serializer), connection, request.Id));
        }
        catch (Exception ex)
        {
            if (!request.OneWay)
                connection.SendError(request.Id, ex);
        }
    }

    public void OnHello(MessageConnection connection, FrameKind kind, string payload)
    {
        if (kind == FrameKind.HelloAck)
            _handshake?.TrySetResult(payload);
        else
            connection.Abort();
    }

    internal Task<string> BeginHandshake()
    {
        var handshake = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        _handshake = handshake;
        return handshake.Task;
    }

    internal void SetConnection(MessageConnection? connection, string? gateway)
    {
        _connection = connection;
        Gateway = gateway;
    }

    private Exception NotConnected() =>
        new SiloUnavailableException("The client is not connected to any gateway; it keeps reconnecting in the background. Retry later.");
}
