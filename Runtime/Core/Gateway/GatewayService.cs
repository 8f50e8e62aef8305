using System.Collections.Concurrent;
using MicroSeg.Runtime.Activation;
using MicroSeg.Runtime.Hosting;
using MicroSeg.Runtime.Invocation;
using MicroSeg.Runtime.Messaging;
using MicroSeg.Runtime.Serialization;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MicroSeg.Runtime.Gateway;

/// <summary>
/// The silo side of client connections: the handshake names the client, requests are dispatched to grains
/// (or the silo's own observers), and the client's observers are reachable through its connection.
/// </summary>
internal sealed partial class GatewayService(Catalog catalog, GrainTypeRegistry types, ObserverRegistry observers, GrainSerializer serializer,
    LocalSiloDetails silo, SiloReadiness readiness, IOptions<SiloMessagingOptions> options, TimeProvider time, ILogger<GatewayService> logger) : IMessageHandler
{
    private readonly ConcurrentDictionary<Guid, MessageConnection> _clients = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly MessagingLimits _limits = new(options.Value.OutgoingQueueCapacity, options.Value.MaxFrameBytes, options.Value.ResponseTimeout);

    public int ClientCount => _clients.Count;

    public MessageConnection? GetClient(Guid clientId) =>
        _clients.TryGetValue(clientId, out var connection) && !connection.IsClosed ? connection : null;

    /// <summary>Serves one accepted connection until it closes or the gateway stops.</summary>
    public async Task ServeAsync(ConnectionContext context)
    {
        var connection = new MessageConnection($"client at {context.RemoteEndPoint}", context.Transport.Input, context.Transport.Output, this,
            serializer.Options, _limits, time, c => new ClientNotAvailableException($"Client {c.RemoteId} disconnected while the call was pending."), logger);
        try
        {
            await connection.RunAsync(_stopping.Token).ConfigureAwait(false);
        }
        finally
        {
            if (connection.RemoteId != Guid.Empty && _clients.TryRemove(new KeyValuePair<Guid, MessageConnection>(connection.RemoteId, connection)))
                LogClientDisconnected(connection.RemoteId);
        }
    }

    /// <summary>Closes every client connection (silo shutdown), so clients notice at once.</summary>
    public void Stop() => _stopping.Cancel();

    public void OnHello(MessageConnection connection, FrameKind kind, string payload)
    {
        if (kind != FrameKind.Hello || !Guid.TryParseExact(payload, "N", out var clientId))
        {
            connection.Abort();
            return;
        }

        connection.RemoteId = clientId;
        connection.Name = $"client {clientId}";
        // A client is answered only once the silo is ready (in a cluster: its peers acknowledged it), so a
        // client that found this gateway in the table early waits, or tries another gateway on its timeout.
        if (readiness.IsReady)
            Accept(connection, clientId);
        else
            _ = AcceptWhenReadyAsync(connection, clientId);
    }

    private async Task AcceptWhenReadyAsync(MessageConnection connection, Guid clientId)
    {
        await readiness.WhenReady.WaitAsync(connection.Closed).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (!connection.IsClosed)
            Accept(connection, clientId);
    }

    private void Accept(MessageConnection connection, Guid clientId)
    {
        if (_clients.TryGetValue(clientId, out var previous) && previous != connection)
            previous.Abort();
        _clients[clientId] = connection;
        connection.SendHello(FrameKind.HelloAck, silo.Name);
        LogClientConnected(clientId);
    }

    public void OnRequest(MessageConnection connection, in RequestFrame request)
    {
        try
        {
            if (!InterfaceRegistry.TryGetMethod(request.MethodId, out var method))
                throw new NotSupportedException($"The silo does not know method {request.MethodId}; are client and silo built from the same grain interfaces?");
            var args = ArgumentCodec.Read(request.Body, method, connection.Serializer);
            var item = method.CreateIncomingCall(args, connection, request.Id);
            if (request.Kind == TargetKind.Grain)
            {
                if (!InterfaceRegistry.TryGetInterface(request.TargetInterface, out var target))
                    throw new NotSupportedException($"The silo has no grain implementing {request.TargetInterface}.");
                var grainClass = types.Resolve(target.Type);
                catalog.Dispatch(grainClass, new GrainId(grainClass.GrainType, request.TargetKey), item);
            }
            else if (ObserverRegistry.TryParseKey(request.TargetKey, out var owner, out var id) && owner == observers.OwnerId && observers.TryGet(id, out var entry))
            {
                entry.Enqueue(item);
            }
            else
            {
                throw new ClientNotAvailableException($"Observer {request.TargetKey} is not in this silo; clients can call only grains and the silo's own observers.");
            }
        }
        catch (Exception ex)
        {
            LogBadRequest(connection.Name, request.MethodId, ex.Message);
            if (!request.OneWay)
                connection.SendError(request.Id, ex);
        }
    }
}
