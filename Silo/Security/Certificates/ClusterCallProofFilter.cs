namespace MicroSeg.Silo.Security.Certificates;

/// <summary>
/// Marks every call this silo makes to a grain as made inside the cluster (<see cref="ClusterCallProof"/>): grain to
/// grain, the REST API (Orleans' hosted client), reminders, stream deliveries, calls between the silos' own services
/// (system targets), all of which Orleans sends through the outgoing grain call filters. Calls to a client (an observer)
/// never carry the proof, so it cannot reach a client in a request.
/// </summary>
internal sealed class ClusterCallProofFilter(ClusterCallProof proof) : IOutgoingGrainCallFilter
{
    public Task Invoke(IOutgoingGrainCallContext context)
    {
        // Orleans runs the filters inside its own async invoker, so the change is seen by this call's message only,
        // never by the caller's code afterwards.
        if (ClusterCallProof.StaysInCluster(context.TargetId))
            RequestContext.Set(ClusterCallProof.RequestContextKey, proof.Value);
        else if (RequestContext.Get(ClusterCallProof.RequestContextKey) is not null)
            RequestContext.Remove(ClusterCallProof.RequestContextKey);
        return context.Invoke();
    }
}
