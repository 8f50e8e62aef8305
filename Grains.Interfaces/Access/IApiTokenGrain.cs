using Orleans;
using Orleans.Concurrency;

namespace MicroSeg.Grains.Interfaces.Access;

/// <summary>
/// Every API token of the cluster (key <see cref="GrainKeys.Cluster"/>), stored as the SHA-256 hash of its
/// secret only: a copy of the database does not let anyone call the API.
/// </summary>
[Alias("microseg.IApiTokenGrain")]
public interface IApiTokenGrain : IGrainWithStringKey
{
    /// <summary>Stores a new token; false (and nothing changes) when a token of that name exists.</summary>
    Task<bool> CreateAsync(ApiToken token, string secretHash);

    /// <summary>
    /// Creates or replaces the token named <paramref name="token"/>.Name with this hash: the silo's bootstrap
    /// admin token, whose secret file on the silo's host is authoritative. Idempotent.
    /// </summary>
    Task PutBootstrapAsync(ApiToken token, string secretHash);

    /// <summary>Every token, ordered by name, without secrets.</summary>
    [AlwaysInterleave]
    Task<IReadOnlyList<ApiToken>> ListAsync();

    /// <summary>Revokes a token; false when none has that name.</summary>
    Task<bool> RevokeAsync(string name);

    /// <summary>The token whose secret hashes to <paramref name="secretHash"/>, or null.</summary>
    [AlwaysInterleave]
    Task<ApiToken?> FindAsync(string secretHash);
}
