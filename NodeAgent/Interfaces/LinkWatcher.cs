using System.Net.Sockets;
using MicroSeg.NodeAgent.Programming;
using MicroSeg.NodeAgent.Rules;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MicroSeg.NodeAgent.Interfaces;

/// <summary>
/// Watches the node's links (rtnetlink RTM_NEWLINK / RTM_DELLINK on the RTMGRP_LINK group) and asks
/// for a programming pass as soon as a device that matters appears, changes or goes. A container
/// restart deletes its veth and creates one with the same name and a new ifindex, which the kernel
/// gives no program: this is what re-attaches it within milliseconds instead of at the next policy
/// change. A missed event (the socket's queue overflowed, or the socket had to be reopened) is
/// answered with a pass too, which re-reads every device.
/// </summary>
internal sealed partial class LinkWatcher(InterfaceAttachments attachments, RulesInbox inbox, ILogger<LinkWatcher> logger) : BackgroundService
{
    private static readonly TimeSpan ReopenDelay = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var buffer = new byte[256 * 1024];
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                using var socket = RouteNetlink.Open(RouteNetlink.LinkGroup);
                // Whatever changed while no socket listened is picked up by one pass now.
                inbox.Reapply();
                while (true)
                {
                    int received;
                    try
                    {
                        received = await socket.ReceiveAsync(buffer, SocketFlags.None, stoppingToken);
                    }
                    catch (SocketException ex) when (ex.SocketErrorCode == SocketError.NoBufferSpaceAvailable)
                    {
                        LogOverrun();
                        inbox.Reapply();
                        continue;
                    }
                    if (Matters(buffer.AsSpan(0, received)))
                        inbox.Reapply();
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is SocketException or InvalidDataException)
            {
                LogWatchFailed(ex.Message, ReopenDelay.TotalSeconds);
            }
            try
            {
                await Task.Delay(ReopenDelay, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private bool Matters(ReadOnlySpan<byte> messages)
    {
        var matters = false;
        LinkMessages.ForEach(messages, message =>
        {
            if (message.Type is not (LinkMessages.RtmNewLink or LinkMessages.RtmDelLink) || LinkMessages.ReadLink(message.Payload) is not { } link)
                return true;
            if (attachments.IsWatched(link))
            {
                LogLinkChanged(link.Name, link.Index, message.Type == LinkMessages.RtmDelLink ? "deleted" : "created or changed");
                matters = true;
            }
            return true;
        });
        return matters;
    }

    [LoggerMessage(EventId = 3401, Level = LogLevel.Debug, Message = "Interface {Interface} (ifindex {Ifindex}) {Change}; programming again")]
    private partial void LogLinkChanged(string @interface, int ifindex, string change);

    [LoggerMessage(EventId = 3402, Level = LogLevel.Warning, Message = "Link notifications overflowed the socket; re-reading every interface")]
    private partial void LogOverrun();

    [LoggerMessage(EventId = 3403, Level = LogLevel.Warning, Message = "Watching links failed ({Error}); retrying in {DelaySeconds} s, interfaces are re-checked meanwhile only every few seconds")]
    private partial void LogWatchFailed(string error, double delaySeconds);
}
