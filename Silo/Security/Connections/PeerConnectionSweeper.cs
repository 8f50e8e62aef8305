using MicroSeg.Grains.Interfaces.Access;
using MicroSeg.Silo.Security.Certificates;
using Microsoft.Extensions.Options;

namespace MicroSeg.Silo.Security.Connections;

/// <summary>
/// Every <see cref="PeerConnectionOptions.CheckPeriod"/>: re-reads the revocation list when its file changed, closes
/// every open connection whose peer certificate is revoked, and closes gateway connections idle for longer than
/// <see cref="PeerConnectionOptions.GatewayIdleTimeout"/>; re-reads the silo's own certificate files, so a rotated pair
/// is taken (and logged) even while no connection is made. Orleans has no idle limit of its own for client
/// connections: it keeps one as long as the client does.
/// </summary>
internal sealed partial class PeerConnectionSweeper(
    PeerConnections connections, IOptions<PeerConnectionOptions> options, TimeProvider time, ILogger<PeerConnectionSweeper> logger,
    CertificateRevocations? revocations = null, ReloadingCertificate? own = null) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (own is not null)
        {
            own.Refused += reason => LogRefusedFiles(logger, reason);
            // Whoever notices the new files first (a TLS handshake reading Current, or the sweep) takes them: log on the
            // event, not on the sweep's own refresh, or a rotation a handshake noticed first would go unlogged.
            own.Rotated += certificate => LogRotated(logger, own.CertificateFile, certificate.SerialNumber, certificate.NotAfter);
        }
        using var timer = new PeriodicTimer(options.Value.CheckPeriod, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
                Sweep();
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    internal void Sweep()
    {
        if (revocations is not null)
            RefreshRevocations(revocations);
        own?.Refresh();
        var now = time.GetTimestamp();
        foreach (var connection in connections.Open)
        {
            if (revocations is not null && connection.Serial is { } serial && revocations.IsRevoked(serial))
            {
                LogClosingRevoked(logger, connection.Port, connection.Context.RemoteEndPoint?.ToString(), connection.Holder, serial);
                Close(connection);
            }
            else if (connection.ClosesWhenIdle && time.GetElapsedTime(connection.LastReceived, now) is var idle && idle > options.Value.GatewayIdleTimeout)
            {
                LogClosingIdle(logger, connection.Context.RemoteEndPoint?.ToString(), connection.Holder, idle);
                Close(connection);
            }
        }
    }

    private void RefreshRevocations(CertificateRevocations list)
    {
        try
        {
            if (list.Refresh() is { Count: > 0 } added)
                LogRevoked(logger, list.Path, string.Join(", ", added), list.Count);
        }
        catch (Exception e) when (e is FormatException or IOException or UnauthorizedAccessException)
        {
            LogUnusableList(logger, list.Path, e.Message, list.Count);
        }
    }

    private void Close(PeerConnections.Tracked connection)
    {
        connections.Remove(connection);
        connection.Context.Abort(new Microsoft.AspNetCore.Connections.ConnectionAbortedException("closed by the silo's connection limits"));
    }

    [LoggerMessage(EventId = 1515, Level = LogLevel.Information, Message = "Certificate {Path} rotated: new connections use serial {Serial}, valid until {NotAfter}")]
    private static partial void LogRotated(ILogger logger, string path, string serial, DateTime notAfter);

    [LoggerMessage(EventId = 1516, Level = LogLevel.Error, Message = "New certificate files not used, keeping the current certificate: {Reason}")]
    private static partial void LogRefusedFiles(ILogger logger, string reason);

    [LoggerMessage(EventId = 1511, Level = LogLevel.Warning, Message = "Revocation list {Path}: newly revoked serials {Serials}; {Count} revoked in all")]
    private static partial void LogRevoked(ILogger logger, string path, string serials, int count);

    [LoggerMessage(EventId = 1512, Level = LogLevel.Error, Message = "Revocation list {Path} cannot be used ({Reason}); still refusing the {Count} serials revoked before")]
    private static partial void LogUnusableList(ILogger logger, string path, string reason, int count);

    [LoggerMessage(EventId = 1513, Level = LogLevel.Warning, Message = "Closing {Port} connection from {Remote} ({Holder}): its certificate {Serial} is revoked")]
    private static partial void LogClosingRevoked(ILogger logger, string port, string? remote, string? holder, string serial);

    [LoggerMessage(EventId = 1514, Level = LogLevel.Information, Message = "Closing gateway connection from {Remote} ({Holder}): nothing received for {Idle}")]
    private static partial void LogClosingIdle(ILogger logger, string? remote, string? holder, TimeSpan idle);
}
