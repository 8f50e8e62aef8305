namespace MicroSeg.Runtime;

/// <summary>Why an activation is being deactivated (Orleans <c>DeactivationReasonCode</c>).</summary>
public enum DeactivationReasonCode
{
    /// <summary>No reason given.</summary>
    None,

    /// <summary>The silo is shutting down.</summary>
    ShuttingDown,

    /// <summary>The activation was idle for longer than the collection age.</summary>
    ActivationIdle,

    /// <summary>The grain called <c>DeactivateOnIdle()</c>.</summary>
    ApplicationRequested,

    /// <summary>Activation failed (the constructor, state read or <c>OnActivateAsync</c> threw).</summary>
    ActivationFailed,

    /// <summary>Cluster membership changed and another silo now hosts the grain; it reactivates there on its next call.</summary>
    Migrating,
}

/// <summary>Why an activation is being deactivated (Orleans <c>DeactivationReason</c>).</summary>
/// <param name="ReasonCode">The reason code.</param>
/// <param name="Description">A human-readable description.</param>
public readonly record struct DeactivationReason(DeactivationReasonCode ReasonCode, string Description)
{
    /// <inheritdoc />
    public override string ToString() => $"{ReasonCode}: {Description}";
}
