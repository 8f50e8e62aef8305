using System.IO.Pipelines;
using System.Net.Sockets;
using MicroSeg.Runtime.Hosting;
using MicroSeg.Runtime.Messaging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MicroSeg.Runtime.Client;

/// <summary>
/// Keeps the client connected: connects to the gateways in turn, forever, waiting 100 ms doubling up to
/// <see cref="ClientMessagingOptions.MaxReconnectDelay"/> between failures, and tells the
/// <see cref="IClusterConnectionStatusObserver"/>s about losses and recoveries.
/// </summary>
internal sealed partial class ClientConnector(ClusterClient client, IOptions<ClientMessagingOptions> options, IGatewayListProvider gatewayList,
    IServiceProvider services, TimeProvider time, ILogger<ClientConnector> logger) : BackgroundService
{
    private static readonly TimeSpan s_firstDelay = TimeSpan.FromMilliseconds(100);
    private IClusterConnectionStatusObserver[]? _observers;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var limits = new MessagingLimits(settings.OutgoingQueueCapacity, settings.MaxFrameBytes, settings.ResponseTimeout);
        var delay = s_firstDelay;
        var lost = false;
        string? previous = null;
        for (var attempt = 0; !stoppingToken.IsCancellationRequested; attempt++)
        {
            var gateway = "(gateway list)";
            try
            {
                var gateways = await gatewayList.GetGatewaysAsync(stoppingToken).ConfigureAwait(false);
                if (gateways.Count == 0)
                    throw new SiloUnavailableException("The gateway list is empty (no active silo).");
                gateway = gateways[attempt % gateways.Count];
                // After a loss, fail over: try another gateway first when there is one.
                if (gateway == previous && gateways.Count > 1)
                    gateway = gateways[++attempt % gateways.Count];
                var (connection, running) = await ConnectAsync(gateway, limits, settings.ConnectTimeout, stoppingToken).ConfigureAwait(false);
                client.SetConnection(connection, gateway);
                LogConnected(gateway, client.ClientId);
                Notify(o => o.NotifyGatewayCountChanged(1, 0, lost));
                delay = s_firstDelay;
                await running.ConfigureAwait(false);
                client.SetConnection(null, null);
                if (stoppingToken.IsCancellationRequested)
                    return;
                lost = true;
                previous = gateway;
                LogConnectionLost(gateway);
                Notify(o => o.NotifyClusterConnectionLost());
                Notify(o => o.NotifyGatewayCountChanged(0, 1, false));
                continue;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                previous = null;
                LogConnectFailed(gateway, ex.Message, delay);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            await Task.Delay(delay, time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, settings.MaxReconnectDelay.Ticks));
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        client.Connection?.Abort();
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<(MessageConnection Connection, Task Running)> ConnectAsync(string gateway, MessagingLimits limits, TimeSpan timeout, CancellationToken stoppingToken)
    {
        GatewayAddress.TryParse(gateway, out var host, out var port);
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        attempt.CancelAfter(timeout);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(host, port, attempt.Token).ConfigureAwait(false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        var stream = new NetworkStream(socket, ownsSocket: true);
        var connection = new MessageConnection($"gateway {gateway}", PipeReader.Create(stream), PipeWriter.Create(stream), client,
            client.Serializer.Options, limits, time, c => new SiloUnavailableException($"The connection to {c.Name} was lost while the call was pending."), logger);
        var handshake = client.BeginHandshake();
        var running = connection.RunAsync(stoppingToken);
        connection.SendHello(FrameKind.Hello, client.ClientId.ToString("N"));
        try
        {
            await handshake.WaitAsync(attempt.Token).ConfigureAwait(false);
        }
        catch
        {
            connection.Abort();
            await running.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            throw;
        }

        return (connection, running);
    }

    private void Notify(Action<IClusterConnectionStatusObserver> notify)
    {
        foreach (var observer in _observers ??= [.. services.GetServices<IClusterConnectionStatusObserver>()])
        {
            try
            {
                notify(observer);
            }
            catch (Exception ex)
            {
                LogObserverFailed(ex, observer.GetType().Name);
            }
        }
    }
}
