using System.Globalization;

namespace MicroSeg.Runtime.Storage;

/// <summary>Grain storage in process memory (Orleans <c>MemoryGrainStorage</c>): JSON copies, lost when the process ends.</summary>
internal sealed class MemoryGrainStorage : IGrainStorage
{
    private readonly Dictionary<(string, string, string), (string? Payload, long Version)> _records = [];

    public Task<GrainStateRecord?> ReadAsync(string grainType, string key, string stateName)
    {
        lock (_records)
        {
            return Task.FromResult(_records.TryGetValue((grainType, key, stateName), out var record)
                ? new GrainStateRecord(record.Payload, Format(record.Version))
                : null);
        }
    }

    public Task<string> WriteAsync(string grainType, string key, string stateName, string payload, string? etag)
    {
        lock (_records)
        {
            var version = Check(grainType, key, stateName, etag) + 1;
            _records[(grainType, key, stateName)] = (payload, version);
            return Task.FromResult(Format(version));
        }
    }

    public Task<string?> ClearAsync(string grainType, string key, string stateName, string? etag)
    {
        lock (_records)
        {
            var version = Check(grainType, key, stateName, etag);
            if (version == 0)
                return Task.FromResult<string?>(null);
            _records[(grainType, key, stateName)] = (null, version + 1);
            return Task.FromResult<string?>(Format(version + 1));
        }
    }

    private long Check(string grainType, string key, string stateName, string? etag)
    {
        var stored = _records.TryGetValue((grainType, key, stateName), out var record) ? Format(record.Version) : null;
        if (stored != etag)
            throw GrainStorageNames.Conflict(grainType, key, stateName, stored, etag);
        return record.Version;
    }

    private static string Format(long version) => version.ToString(CultureInfo.InvariantCulture);
}
