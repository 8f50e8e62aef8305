namespace MicroSeg.Runtime;

/// <summary>
/// A timer registered by a grain. Its callbacks are turns of the grain; the next tick is scheduled only
/// after the previous callback finished. Not durable: it dies with the activation. Dispose to stop it.
/// </summary>
public interface IGrainTimer : IDisposable
{
    /// <summary>Changes the due time and period of the timer.</summary>
    /// <param name="dueTime">Time to the next tick; <see cref="Timeout.InfiniteTimeSpan"/> stops the timer.</param>
    /// <param name="period">Time between ticks, measured from the end of a callback; <see cref="Timeout.InfiniteTimeSpan"/> ticks once.</param>
    void Change(TimeSpan dueTime, TimeSpan period);
}
