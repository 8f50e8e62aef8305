using Orleans;

namespace MicroSeg.Grains.Interfaces.Addresses;

/// <summary>
/// One workload address and the workload that holds it (key: <see cref="AddressKeys.Of"/>, the canonical
/// single-address block, e.g. "198.18.1.1/32"). One grain per address serializes every claim on it, so two
/// workloads written at the same time can never both get it. A workload claims its addresses before its
/// record is persisted and releases them after the record no longer lists them.
/// </summary>
[Alias("microseg.IAddressClaimGrain")]
public interface IAddressClaimGrain : IGrainWithStringKey
{
    /// <summary>
    /// Gives the address to <paramref name="workloadId"/> when it is free or already theirs (renewing the
    /// claim); otherwise changes nothing. Either way answers the claim as it stands afterwards. A claim it gives or
    /// renews always has a new <see cref="AddressClaim.Generation"/>: a release named before it (still in flight
    /// when the holder claimed the address again) is void.
    /// </summary>
    Task<AddressClaim> ClaimAsync(string workloadId);

    /// <summary>
    /// Gives the address to <paramref name="workloadId"/> only if the claim is still exactly <paramref name="stale"/>
    /// (same holder, same generation): for a holder found not to list the address (it crashed between claiming
    /// and persisting). Answers the claim as it stands afterwards.
    /// </summary>
    Task<AddressClaim> TakeOverAsync(string workloadId, AddressClaim stale);

    /// <summary>
    /// Frees the address if <paramref name="workloadId"/> holds it under <paramref name="generation"/> (read from the
    /// claim just before); no-op otherwise. A release delivered late, after its holder claimed the address again,
    /// names an older generation and so never frees an address the holder's record lists.
    /// </summary>
    Task ReleaseAsync(string workloadId, long generation);

    /// <summary>The claim as it stands.</summary>
    Task<AddressClaim> GetAsync();
}

/// <summary>The state of one address claim.</summary>
/// <param name="Address">The canonical address block.</param>
/// <param name="Holder">The workload holding it; null when free.</param>
/// <param name="Generation">Grows with every claim, renewal and release: a take-over names the generation it saw.</param>
/// <param name="ClaimedAt">When the holder last claimed or renewed it.</param>
[GenerateSerializer, Immutable, Alias("microseg.AddressClaim")]
public sealed record AddressClaim(string Address, string? Holder, long Generation, DateTimeOffset ClaimedAt)
{
    /// <summary>True when <paramref name="workloadId"/> holds the address.</summary>
    public bool IsHeldBy(string workloadId) => Holder == workloadId;
}
