namespace MicroSeg.Runtime;

/// <summary>
/// Base class of grain implementations (Orleans <c>Grain</c>). Grains are created by the runtime on their
/// first call; constructor parameters come from dependency injection and <see cref="PersistentStateAttribute"/>.
/// </summary>
public abstract partial class Grain
{
    private readonly IGrainActivationContext? _context;

    /// <summary>Creates the grain; only the runtime creates grains.</summary>
    protected Grain()
    {
        _context = GrainActivationContext.Current;
    }

    /// <summary>The factory for references to other grains.</summary>
    protected IGrainFactory GrainFactory => Context.GrainFactory;

    private IGrainActivationContext Context =>
        _context ?? throw new InvalidOperationException($"{GetType().Name} was not created by the grain runtime; get it with IGrainFactory.GetGrain.");

    /// <summary>The key of a grain with a string key.</summary>
    /// <returns>The key.</returns>
    public string GetPrimaryKeyString() => Context.Key;

    /// <summary>The key of a grain with a <see cref="Guid"/> key.</summary>
    /// <returns>The key.</returns>
    public Guid GetPrimaryKey() => Guid.Parse(Context.Key);

    /// <summary>The key of a grain with an integer key.</summary>
    /// <returns>The key.</returns>
    public long GetPrimaryKeyLong() => long.Parse(Context.Key, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Called after the grain's persistent state is read and before its first request.</summary>
    /// <param name="cancellationToken">Cancelled when activation takes too long.</param>
    /// <returns>A task that completes when the grain is ready.</returns>
    public virtual Task OnActivateAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Called, as a turn, before the activation is removed (idle, requested, or silo shutdown).</summary>
    /// <param name="reason">Why the activation is deactivated.</param>
    /// <param name="cancellationToken">Cancelled when deactivation takes too long.</param>
    /// <returns>A task that completes when the grain is done.</returns>
    public virtual Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Deactivates this activation once the current turn completes.</summary>
    protected void DeactivateOnIdle() => Context.DeactivateOnIdle();

    /// <summary>Registers a timer whose callbacks are turns of this grain (not interleaving other requests unless the grain is reentrant).</summary>
    /// <param name="callback">The callback; its token is cancelled when the timer is disposed or the grain deactivates.</param>
    /// <param name="dueTime">Time to the first tick.</param>
    /// <param name="period">Time between the end of one callback and the next tick; <see cref="Timeout.InfiniteTimeSpan"/> ticks once.</param>
    /// <returns>The timer; dispose it to stop.</returns>
    protected IGrainTimer RegisterGrainTimer(Func<CancellationToken, Task> callback, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        return Context.RegisterTimer((_, ct) => callback(ct), null, dueTime, period);
    }

    /// <summary>Registers a timer with a state argument; see <see cref="RegisterGrainTimer(Func{CancellationToken, Task}, TimeSpan, TimeSpan)"/>.</summary>
    /// <typeparam name="TState">The state type.</typeparam>
    /// <param name="callback">The callback.</param>
    /// <param name="state">The state passed to each callback.</param>
    /// <param name="dueTime">Time to the first tick.</param>
    /// <param name="period">Time between the end of one callback and the next tick.</param>
    /// <returns>The timer; dispose it to stop.</returns>
    protected IGrainTimer RegisterGrainTimer<TState>(Func<TState, CancellationToken, Task> callback, TState state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        return Context.RegisterTimer((s, ct) => callback((TState)s!, ct), state, dueTime, period);
    }
}
