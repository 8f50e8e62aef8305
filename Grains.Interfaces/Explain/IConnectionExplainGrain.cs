using Orleans;

namespace MicroSeg.Grains.Interfaces.Explain;

/// <summary>
/// Explains the verdict the data plane gives a new connection; a stateless worker on every silo (key 0).
/// Decides with the same rule evaluator as simulations and recommendations, over the rules the node grains deploy.
/// </summary>
[Alias("microseg.IConnectionExplainGrain")]
public interface IConnectionExplainGrain : IGrainWithIntegerKey
{
    /// <summary>The source workload's egress check and the destination workload's ingress check. Changes nothing.</summary>
    Task<ConnectionVerdicts> ExplainAsync(ConnectionQuery query);
}
