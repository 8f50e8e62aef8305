using MicroSeg.Grains.Interfaces.Access;
using Orleans;
using Orleans.Runtime;

namespace MicroSeg.Grains.Access;

/// <summary>Persisted state of the token registry: name → (token, hash of its secret).</summary>
[GenerateSerializer, Alias("microseg.state.ApiTokenState")]
internal sealed class ApiTokenState
{
    [Id(0)]
    public SortedDictionary<string, StoredApiToken> Tokens { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>One stored token.</summary>
[GenerateSerializer, Immutable, Alias("microseg.state.StoredApiToken")]
internal sealed record StoredApiToken([property: Id(0)] ApiToken Token, [property: Id(1)] string SecretHash);

/// <summary>The cluster's API tokens; every request's authentication asks it, so lookups are by hash in memory.</summary>
internal sealed class ApiTokenGrain(
    [PersistentState("apitokens")] IPersistentState<ApiTokenState> state) : Grain, IApiTokenGrain
{
    private Dictionary<string, ApiToken>? _byHash;

    private Dictionary<string, ApiToken> ByHash => _byHash ??= state.State.Tokens.Values.ToDictionary(t => t.SecretHash, t => t.Token, StringComparer.Ordinal);

    public async Task<bool> CreateAsync(ApiToken token, string secretHash)
    {
        if (state.State.Tokens.ContainsKey(token.Name) || ByHash.ContainsKey(secretHash))
            return false;
        await StoreAsync(token, secretHash);
        return true;
    }

    public async Task PutBootstrapAsync(ApiToken token, string secretHash)
    {
        if (state.State.Tokens.TryGetValue(token.Name, out var existing) && existing.SecretHash == secretHash && existing.Token.Role == token.Role)
            return;
        await StoreAsync(token, secretHash);
    }

    public Task<IReadOnlyList<ApiToken>> ListAsync() =>
        Task.FromResult<IReadOnlyList<ApiToken>>(state.State.Tokens.Values.Select(t => t.Token).ToList());

    public async Task<bool> RevokeAsync(string name)
    {
        if (!state.State.Tokens.Remove(name))
            return false;
        _byHash = null;
        await state.WriteStateAsync();
        return true;
    }

    public Task<ApiToken?> FindAsync(string secretHash) =>
        Task.FromResult(ByHash.TryGetValue(secretHash, out var token) ? token : null);

    private async Task StoreAsync(ApiToken token, string secretHash)
    {
        state.State.Tokens[token.Name] = new StoredApiToken(token, secretHash);
        _byHash = null;
        await state.WriteStateAsync();
    }
}
