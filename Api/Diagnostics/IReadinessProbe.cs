namespace MicroSeg.Api.Diagnostics;

/// <summary>
/// Something /readyz checks besides cluster membership: the host registers one per dependency it cannot serve
/// without (the silo registers its storage). A probe throws, or answers false, when the dependency is unreachable.
/// </summary>
public interface IReadinessProbe
{
    /// <summary>Short name shown in the /readyz answer, e.g. "storage".</summary>
    string Name { get; }

    /// <summary>True when the dependency answers; the answer is bounded by the caller's token.</summary>
    Task<bool> CheckAsync(CancellationToken cancellationToken);
}
