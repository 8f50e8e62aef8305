using System.IO.Pipelines;

namespace MicroSeg.Silo.Security.Connections;

/// <summary>The connection's input as Orleans reads it, noting when a read brings bytes (the peer is not idle).</summary>
internal sealed class ActivityPipeReader(PipeReader inner, PeerConnections.Tracked connection, TimeProvider time) : PipeReader
{
    public override async ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
    {
        var result = await inner.ReadAsync(cancellationToken);
        if (!result.Buffer.IsEmpty)
            connection.Received(time.GetTimestamp());
        return result;
    }

    public override bool TryRead(out ReadResult result)
    {
        if (!inner.TryRead(out result))
            return false;
        if (!result.Buffer.IsEmpty)
            connection.Received(time.GetTimestamp());
        return true;
    }

    public override void AdvanceTo(SequencePosition consumed) => inner.AdvanceTo(consumed);

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined) => inner.AdvanceTo(consumed, examined);

    public override void CancelPendingRead() => inner.CancelPendingRead();

    public override void Complete(Exception? exception = null) => inner.Complete(exception);

    public override ValueTask CompleteAsync(Exception? exception = null) => inner.CompleteAsync(exception);
}
