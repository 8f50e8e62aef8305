namespace MicroSeg.Runtime;

/// <summary>
/// A piece of grain state kept in grain storage (Orleans <c>IPersistentState&lt;TState&gt;</c>). Injected into
/// a grain constructor parameter marked with <see cref="PersistentStateAttribute"/>; read before
/// <c>OnActivateAsync</c>.
/// </summary>
/// <typeparam name="TState">The state type (serialized with System.Text.Json).</typeparam>
public interface IPersistentState<TState> where TState : new()
{
    /// <summary>The state; a new instance when nothing is stored.</summary>
    TState State { get; set; }

    /// <summary>The storage version of the state last read or written; null when no record exists.</summary>
    string? Etag { get; }

    /// <summary>Whether storage holds a record of this state.</summary>
    bool RecordExists { get; }

    /// <summary>Reads the state from storage, replacing <see cref="State"/>.</summary>
    /// <returns>A task that completes when the state is read.</returns>
    Task ReadStateAsync();

    /// <summary>Writes <see cref="State"/> to storage.</summary>
    /// <returns>A task that completes when the state is written.</returns>
    /// <exception cref="InconsistentStateException">Storage holds a newer version than <see cref="Etag"/>.</exception>
    Task WriteStateAsync();

    /// <summary>Deletes the stored record and resets <see cref="State"/> to a new instance.</summary>
    /// <returns>A task that completes when the record is deleted.</returns>
    /// <exception cref="InconsistentStateException">Storage holds a newer version than <see cref="Etag"/>.</exception>
    Task ClearStateAsync();
}

/// <summary>Marks a grain constructor parameter of type <see cref="IPersistentState{TState}"/> to be injected.</summary>
/// <param name="stateName">The state's name, unique within the grain type.</param>
/// <param name="storageName">The grain storage provider; null for the default provider.</param>
[AttributeUsage(AttributeTargets.Parameter)]
public sealed class PersistentStateAttribute(string stateName, string? storageName = null) : Attribute
{
    /// <summary>The state's name, unique within the grain type.</summary>
    public string StateName { get; } = stateName;

    /// <summary>The grain storage provider; null for the default provider.</summary>
    public string? StorageName { get; } = storageName;
}
