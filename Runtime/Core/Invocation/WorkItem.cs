namespace MicroSeg.Runtime.Invocation;

/// <summary>Receives the asynchronous completion of a work item it started.</summary>
internal interface IWorkItemOwner
{
    void OnCompleted(WorkItem item);
}

/// <summary>
/// One turn's worth of work for an activation or observer: a request (local or from the network) or a
/// timer tick. <see cref="Start"/> runs it up to its first incomplete await.
/// </summary>
internal abstract class WorkItem
{
    /// <summary>Set by the queue that starts the item; told when an asynchronously completing item finishes.</summary>
    public IWorkItemOwner? Owner { get; set; }

    /// <summary>May run while other requests of a non-reentrant activation run ([AlwaysInterleave]).</summary>
    public virtual bool AlwaysInterleave => false;

    /// <summary>Counts as activity for idle collection (requests do; timer ticks do not, as in Orleans).</summary>
    public virtual bool KeepsAlive => true;

    /// <summary>May be re-dispatched to a new activation when the one it was queued on deactivates.</summary>
    public virtual bool CanRedirect => true;

    /// <summary>
    /// How many silos passed this call on because their view named another owner (calls that arrived over a
    /// silo link); bounds forwarding while the silos' views disagree.
    /// </summary>
    public int ForwardCount { get; set; }

    /// <summary>The caller gave up (timed out): skip it instead of running it.</summary>
    public virtual bool IsAbandoned => false;

    /// <summary>Runs the item on <paramref name="target"/>; true when it finished synchronously.</summary>
    public abstract bool Start(object target);

    /// <summary>Fails the item without running it.</summary>
    public abstract void Fail(Exception exception);

    /// <summary>
    /// Sends the call to the grain's owning silo over <paramref name="connection"/> and completes this item
    /// with the remote outcome (timer ticks and other local-only items fail instead).
    /// </summary>
    public virtual void Forward(Messaging.MessageConnection connection, Messaging.TargetKind kind, string target, string key) =>
        Fail(new InvalidOperationException($"{GetType().Name} cannot be sent to another silo."));

    /// <summary>Fails the caller with a timeout when the deadline passed; true when it did.</summary>
    public virtual bool ExpireIfDue(long nowTicks) => false;
}
