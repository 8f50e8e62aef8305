namespace MicroSeg.Runtime.Storage;

/// <summary>A stored state record: its JSON (null after a clear) and its version.</summary>
internal sealed record GrainStateRecord(string? Payload, string Etag);

/// <summary>
/// A grain storage provider (Orleans <c>IGrainStorage</c>). Versions are opaque ETags; a write or clear
/// naming a version other than the stored one throws <see cref="InconsistentStateException"/>.
/// </summary>
internal interface IGrainStorage
{
    Task<GrainStateRecord?> ReadAsync(string grainType, string key, string stateName);

    /// <summary>Stores <paramref name="payload"/> if the stored version is <paramref name="etag"/> (null: no record); returns the new version.</summary>
    Task<string> WriteAsync(string grainType, string key, string stateName, string payload, string? etag);

    /// <summary>Clears the record if the stored version is <paramref name="etag"/>; returns the new version (kept, so a stale writer still conflicts).</summary>
    Task<string?> ClearAsync(string grainType, string key, string stateName, string? etag);
}

/// <summary>Names of grain storage providers.</summary>
internal static class GrainStorageNames
{
    /// <summary>The provider used when [PersistentState] names none (as Orleans' "Default").</summary>
    public const string Default = "Default";

    public static InconsistentStateException Conflict(string grainType, string key, string stateName, string? stored, string? current) =>
        new($"State '{stateName}' of grain {grainType}/{key} was changed by someone else: stored version {stored ?? "(none)"}, this activation has {current ?? "(none)"}.", stored, current);
}

/// <summary>A persistent state the activation reads before OnActivateAsync.</summary>
internal interface IStateLoader
{
    Task ReadStateAsync();
}
