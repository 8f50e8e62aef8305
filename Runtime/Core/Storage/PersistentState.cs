using System.Text.Json;
using MicroSeg.Runtime.Activation;

namespace MicroSeg.Runtime.Storage;

/// <summary>The runtime's <see cref="IPersistentState{TState}"/>: JSON in an <see cref="IGrainStorage"/>, with ETag checks.</summary>
internal sealed class PersistentState<TState>(IGrainStorage storage, GrainId grain, string stateName, JsonSerializerOptions serializer)
    : IPersistentState<TState>, IStateLoader where TState : new()
{
    public TState State { get; set; } = new();

    public string? Etag { get; private set; }

    public bool RecordExists { get; private set; }

    public async Task ReadStateAsync()
    {
        var record = await storage.ReadAsync(grain.Type, grain.Key, stateName).ConfigureAwait(false);
        Etag = record?.Etag;
        RecordExists = record?.Payload is not null;
        State = record?.Payload is { } payload ? JsonSerializer.Deserialize<TState>(payload, serializer) ?? new() : new();
    }

    public async Task WriteStateAsync()
    {
        var payload = JsonSerializer.Serialize(State, serializer);
        Etag = await storage.WriteAsync(grain.Type, grain.Key, stateName, payload, Etag).ConfigureAwait(false);
        RecordExists = true;
    }

    public async Task ClearStateAsync()
    {
        Etag = await storage.ClearAsync(grain.Type, grain.Key, stateName, Etag).ConfigureAwait(false);
        RecordExists = false;
        State = new();
    }
}
