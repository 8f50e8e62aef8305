namespace MicroSeg.Runtime;

/// <summary>
/// The grain's requests may interleave: while one request awaits, another may start. Turns still run one
/// at a time (never in parallel). Orleans <c>[Reentrant]</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = true)]
public sealed class ReentrantAttribute : Attribute;

/// <summary>Calls to this interface method may interleave with any other request. Orleans <c>[AlwaysInterleave]</c>.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class AlwaysInterleaveAttribute : Attribute;

/// <summary>The caller does not wait for this method (which must return Task or ValueTask) and sees no errors. Orleans <c>[OneWay]</c>.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class OneWayAttribute : Attribute;

/// <summary>
/// The grain is stateless: each silo may run several activations of one grain id, always locally to the
/// caller. Orleans <c>[StatelessWorker]</c>.
/// </summary>
/// <param name="maxLocalWorkers">Most activations per grain id on one silo; 0 (default) means the processor count.</param>
[AttributeUsage(AttributeTargets.Class, Inherited = true)]
public sealed class StatelessWorkerAttribute(int maxLocalWorkers = 0) : Attribute
{
    /// <summary>Most activations per grain id on one silo; 0 means the processor count.</summary>
    public int MaxLocalWorkers { get; } = maxLocalWorkers;
}
