using Orleans;

namespace MicroSeg.Grains.Interfaces.Simulations;

/// <summary>Replays recorded flows against proposed policies; a stateless worker on every silo (key 0).</summary>
[Alias("microseg.ISimulationGrain")]
public interface ISimulationGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// Evaluates every recorded flow of the window with the same rule semantics as the data plane, under today's
    /// active policies and with <see cref="SimulationRequest.Policies"/> in force. Changes nothing.
    /// </summary>
    Task<SimulationResult> SimulateAsync(SimulationRequest request);
}
