namespace MicroSeg.Runtime;

/// <summary>What a <see cref="Grain"/> needs from its activation; implemented by the runtime.</summary>
internal interface IGrainActivationContext
{
    string Key { get; }

    IGrainFactory GrainFactory { get; }

    void DeactivateOnIdle();

    IGrainTimer RegisterTimer(Func<object?, CancellationToken, Task> callback, object? state, TimeSpan dueTime, TimeSpan period);
}

/// <summary>The activation whose grain is being constructed on this thread (as Orleans' <c>RuntimeContext.Current</c>).</summary>
internal static class GrainActivationContext
{
    [ThreadStatic]
    private static IGrainActivationContext? t_current;

    internal static IGrainActivationContext? Current
    {
        get => t_current;
        set => t_current = value;
    }
}
