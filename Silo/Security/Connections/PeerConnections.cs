using System.Collections.Concurrent;
using Microsoft.AspNetCore.Connections;

namespace MicroSeg.Silo.Security.Connections;

/// <summary>
/// The Orleans connections this silo accepted (gateway and silo ports), with the serial of the certificate each peer
/// authenticated with and when it last sent anything, so that <see cref="PeerConnectionSweeper"/> can close those
/// whose certificate was revoked and gateway connections that went idle.
/// </summary>
internal sealed class PeerConnections(TimeProvider time)
{
    private readonly ConcurrentDictionary<Tracked, byte> _open = new();

    public TimeProvider Time => time;

    public IEnumerable<Tracked> Open => _open.Keys;

    public Tracked Add(ConnectionContext context, string port, string? serial, string? holder, bool closesWhenIdle)
    {
        var tracked = new Tracked(context, port, serial, holder, closesWhenIdle, time.GetTimestamp());
        _open.TryAdd(tracked, 0);
        return tracked;
    }

    public void Remove(Tracked tracked) => _open.TryRemove(tracked, out _);

    /// <summary>One accepted connection.</summary>
    /// <param name="Context">Orleans' connection; aborting it closes the socket.</param>
    /// <param name="Port">"gateway" or "silo".</param>
    /// <param name="Serial">Serial of the peer's certificate; null without TLS.</param>
    /// <param name="Holder">Role/name the certificate names, for the log.</param>
    /// <param name="ClosesWhenIdle">Whether the idle limit applies (gateway connections).</param>
    /// <param name="opened">Timestamp of the accept: the connection counts as active from then.</param>
    internal sealed class Tracked(ConnectionContext Context, string Port, string? Serial, string? Holder, bool ClosesWhenIdle, long opened)
    {
        private long _lastReceived = opened;

        public ConnectionContext Context { get; } = Context;
        public string Port { get; } = Port;
        public string? Serial { get; } = Serial;
        public string? Holder { get; } = Holder;
        public bool ClosesWhenIdle { get; } = ClosesWhenIdle;

        /// <summary><see cref="TimeProvider.GetTimestamp"/> of the last read that brought bytes.</summary>
        public long LastReceived => Volatile.Read(ref _lastReceived);

        public void Received(long timestamp) => Volatile.Write(ref _lastReceived, timestamp);
    }
}
