using System.Collections.Concurrent;
using System.IO.Pipelines;
using MicroSeg.Runtime.Activation;
using MicroSeg.Runtime.Hosting;
using MicroSeg.Runtime.Invocation;
using MicroSeg.Runtime.Messaging;
using MicroSeg.Runtime.Serialization;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MicroSeg.Runtime.Cluster;

/// <summary>
/// Silo-to-silo messaging on the silo port: one framed connection per silo pair, used in both directions
/// (the silo that connects first sends its address in the handshake and the other side adopts the
/// connection for its own requests). Forwarded calls name the grain type; the receiver hosts the grain when
/// its own view agrees it is the owner (see Catalog.Placement.cs). A connection to a silo that is unreachable, restarted or declared dead fails its calls at once
/// with <see cref="SiloUnavailableException"/>.
/// </summary>
internal sealed partial class SiloConnections(Catalog catalog, GrainTypeRegistry types, ObserverRegistry observers, Gateway.GatewayService gateway, GrainSerializer serializer,
    ClusterView view, IOptions<SiloMessagingOptions> messaging, IOptions<ClusterMembershipOptions> membership, TimeProvider time,
    ILogger<SiloConnections> logger) : IMessageHandler
{
    private readonly ConcurrentDictionary<SiloAddress, Task<MessageConnection>> _links = new();
    private readonly ConcurrentDictionary<MessageConnection, TaskCompletionSource<string>> _handshakes = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly MessagingLimits _limits = new(messaging.Value.OutgoingQueueCapacity, messaging.Value.MaxFrameBytes, messaging.Value.ResponseTimeout);

    private SiloAddress Self => view.Self ?? throw new InvalidOperationException("The silo port is not listening (not in cluster mode).");

    /// <summary>Sends <paramref name="item"/> to <paramref name="owner"/> (a grain by type, or an observer reachable there), connecting first if needed.</summary>
    public void Forward(SiloAddress owner, TargetKind kind, string target, string key, WorkItem item)
    {
        var link = _links.GetOrAdd(owner, ConnectAsync);
        if (link.IsCompletedSuccessfully && !link.Result.IsClosed)
            item.Forward(link.Result, kind, target, key);
        else
            _ = ForwardSlowAsync(owner, link, new ForwardTarget(kind, target, key), item);
    }

    /// <summary>Serves one inbound connection on the silo port.</summary>
    public async Task ServeAsync(ConnectionContext context)
    {
        var connection = NewConnection($"silo at {context.RemoteEndPoint}", context.Transport.Input, context.Transport.Output);
        await connection.RunAsync(_stopping.Token).ConfigureAwait(false);
    }

    /// <summary>Closes the connections to silos that are no longer live members.</summary>
    public void Prune(IReadOnlyCollection<SiloAddress> live)
    {
        foreach (var (peer, link) in _links)
        {
            if (!live.Contains(peer) && _links.TryRemove(new KeyValuePair<SiloAddress, Task<MessageConnection>>(peer, link)) && link.IsCompletedSuccessfully)
                link.Result.Abort();
        }
    }

    /// <summary>Closes every silo connection (silo stop); pending calls fail.</summary>
    public void Stop() => _stopping.Cancel();

    public void OnHello(MessageConnection connection, FrameKind kind, string payload)
    {
        if (kind == FrameKind.HelloAck && _handshakes.TryRemove(connection, out var handshake))
        {
            handshake.TrySetResult(payload);
            return;
        }

        if (kind != FrameKind.Hello || !SiloAddress.TryParse(payload, out var peer) || view.Self is null)
        {
            connection.Abort();
            return;
        }

        connection.Name = $"silo {peer}";
        connection.SendHello(FrameKind.HelloAck, Self.ToString());
        // Adopt the peer's connection for our calls to it, unless we already have a live one.
        var adopted = Task.FromResult(connection);
        _links.AddOrUpdate(peer, adopted, (_, existing) => existing.IsCompleted && (!existing.IsCompletedSuccessfully || existing.Result.IsClosed) ? adopted : existing);
        _ = connection.Closed.Register(() => _links.TryRemove(new KeyValuePair<SiloAddress, Task<MessageConnection>>(peer, adopted)));
    }

    public void OnRequest(MessageConnection connection, in RequestFrame request)
    {
        try
        {
            if (!InterfaceRegistry.TryGetMethod(request.MethodId, out var method))
                throw new NotSupportedException($"Silo {view.Self} does not know method {request.MethodId}; are all silos built from the same grain interfaces?");
            var item = method.CreateIncomingCall(ArgumentCodec.Read(request.Body, method, connection.Serializer), connection, request.Id);
            item.ForwardCount = request.ForwardCount;
            if (request.Kind is TargetKind.GrainType or TargetKind.SystemTarget)
            {
                if (!types.TryGetByGrainType(request.TargetInterface, out var grainClass))
                    throw new NotSupportedException($"Silo {view.Self} has no grain class of type '{request.TargetInterface}'.");
                var id = new GrainId(grainClass.GrainType, request.TargetKey);
                if (request.Kind == TargetKind.GrainType)
                    catalog.DispatchForwarded(grainClass, id, item);
                else if (grainClass.IsSystemTarget)
                    catalog.DispatchSystemTarget(grainClass, id, item);
                else
                    throw new NotSupportedException($"Grain type '{request.TargetInterface}' is not a system target; it is reached through placement.");
            }
            else if (request.Kind != TargetKind.Observer || !ObserverRegistry.TryParseKey(request.TargetKey, out var owner, out var id))
            {
                throw new NotSupportedException($"Silo {view.Self} cannot route a {request.Kind} request for '{request.TargetKey}'.");
            }
            else if (owner == observers.OwnerId && observers.TryGet(id, out var entry))
            {
                entry.Enqueue(item);
            }
            else if (gateway.GetClient(owner) is { } client)
            {
                // An observer of a client connected to this silo's gateway: relay the call to the client.
                item.Forward(client, TargetKind.Observer, request.TargetInterface, request.TargetKey);
            }
            else
            {
                throw new ClientNotAvailableException($"Observer {request.TargetKey} is not in silo {view.Self}.");
            }
        }
        catch (Exception ex)
        {
            LogRequestRefused(connection.Name, request.MethodId, ex.Message);
            if (!request.OneWay)
                connection.SendError(request.Id, ex);
        }
    }

    private async Task ForwardSlowAsync(SiloAddress owner, Task<MessageConnection> link, ForwardTarget target, WorkItem item)
    {
        MessageConnection connection;
        try
        {
            connection = await link.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            _links.TryRemove(new KeyValuePair<SiloAddress, Task<MessageConnection>>(owner, link));
            item.Fail(Unavailable(owner, ex.Message));
            return;
        }

        if (connection.IsClosed)
        {
            // The link died after it was handed out; reconnect once (the silo may be back), then give up.
            _links.TryRemove(new KeyValuePair<SiloAddress, Task<MessageConnection>>(owner, link));
            var retry = _links.GetOrAdd(owner, ConnectAsync);
            if (retry != link)
            {
                await ForwardSlowAsync(owner, retry, target, item).ConfigureAwait(false);
                return;
            }
        }

        item.Forward(connection, target.Kind, target.Name, target.Key);
    }

    private async Task<MessageConnection> ConnectAsync(SiloAddress peer)
    {
        await Task.Yield();
        try
        {
            var stream = await SocketConnector.ConnectAsync(peer.Host, peer.Port, membership.Value.ConnectTimeout, _stopping.Token).ConfigureAwait(false);
            var connection = NewConnection($"silo {peer}", PipeReader.Create(stream), PipeWriter.Create(stream));
            var handshake = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            _handshakes[connection] = handshake;
            var running = connection.RunAsync(_stopping.Token);
            _ = running.ContinueWith(_ => _handshakes.TryRemove(connection, out var _), TaskScheduler.Default);
            connection.SendHello(FrameKind.Hello, Self.ToString());
            string answer;
            try
            {
                answer = await handshake.Task.WaitAsync(membership.Value.ConnectTimeout, _stopping.Token).ConfigureAwait(false);
            }
            catch
            {
                connection.Abort();
                throw;
            }

            if (answer != peer.ToString())
            {
                connection.Abort();
                throw new SiloUnavailableException($"{peer.Endpoint} is now silo {answer}; {peer} is gone.");
            }

            LogConnected(peer);
            return connection;
        }
        catch (Exception ex)
        {
            LogConnectFailed(peer, ex.Message);
            throw;
        }
    }

    private MessageConnection NewConnection(string name, PipeReader input, PipeWriter output) =>
        new(name, input, output, this, serializer.Options, _limits, time,
            c => new SiloUnavailableException($"The connection to {c.Name} was lost while the call was pending; retry, the grain reactivates on another silo once that silo is declared dead."),
            logger);

    private readonly record struct ForwardTarget(TargetKind Kind, string Name, string Key);

    private static SiloUnavailableException Unavailable(SiloAddress silo, string reason) =>
        new($"Silo {silo} is unreachable ({reason}); retry, the grain reactivates on another silo once that silo is declared dead.");
}
