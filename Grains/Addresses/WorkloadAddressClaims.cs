using MicroSeg.Grains.Interfaces.Addresses;
using MicroSeg.Grains.Interfaces.Policies;
using MicroSeg.Grains.Interfaces.Workloads;
using Orleans;

namespace MicroSeg.Grains.Addresses;

/// <summary>
/// A workload's side of address claims: claim every address before the record is persisted, release the
/// ones it no longer lists after. Two workloads can therefore never both be acknowledged with one address.
/// </summary>
internal static class WorkloadAddressClaims
{
    /// <summary>
    /// A claim younger than this is never taken over, whatever its holder's record says: the holder may still
    /// be between claiming and persisting. Far longer than any workload write; only a holder that crashed in
    /// between leaves a claim this old that its record does not list.
    /// </summary>
    internal static readonly TimeSpan SettlePeriod = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long a workload trusts that the claims its persisted record lists are still its own. A claim is given up
    /// only by its holder and taken over only after asking the holder, who answers from that record; so it can be lost
    /// only with the claim's stored row. A write after this long (or the first of an activation) checks the claims
    /// again and takes back any that are free. Checking on every write cost an activation and a storage read per
    /// address per write.
    /// </summary>
    internal static readonly TimeSpan RecheckPeriod = TimeSpan.FromMinutes(10);

    /// <summary>
    /// The claim keys of a spec's addresses. A record stored before addresses had to be canonical may hold text
    /// that no longer parses: it has no key (and could not have been claimed).
    /// </summary>
    public static HashSet<string> KeysOf(WorkloadSpec? spec) =>
        (spec?.Addresses ?? []).Where(a => CidrBlock.TryParseAddress(a, out _)).Select(AddressKeys.Of).ToHashSet(StringComparer.Ordinal);

    /// <summary>
    /// Claims (or renews) every address of <paramref name="spec"/> for it, in key order so that two workloads
    /// wanting the same addresses meet on the first one. On a conflict releases what this call newly took and
    /// throws <see cref="AddressInUseException"/>.
    /// With <paramref name="checkHeld"/> false, the keys in <paramref name="held"/> are taken as still held, unasked
    /// (see <see cref="RecheckPeriod"/>).
    /// </summary>
    public static async Task ClaimAllAsync(IGrainFactory grains, WorkloadSpec spec, HashSet<string> held, bool checkHeld, TimeProvider time)
    {
        var wanted = spec.Addresses.Select((text, i) => (Key: AddressKeys.Of(text), Text: text, Field: $"addresses[{i}]"))
            .OrderBy(a => a.Key, StringComparer.Ordinal).ToList();
        // The keys newly taken (not in held): what a conflict gives back.
        var taken = new List<string>();
        try
        {
            foreach (var (key, text, field) in wanted)
            {
                // An address the persisted record already lists needs no renewal: a takeover of a settled claim asks
                // its holder first, and the holder answers from that record until the new one replaces it. A relabel
                // thus costs no claim write on its way to the nodes.
                if (held.Contains(key) && (!checkHeld || (await grains.GetGrain<IAddressClaimGrain>(key).GetAsync()).IsHeldBy(spec.Id)))
                    continue;
                var claim = await grains.GetGrain<IAddressClaimGrain>(key).ClaimAsync(spec.Id);
                if (!claim.IsHeldBy(spec.Id))
                    claim = await TakeOverIfStaleAsync(grains, spec.Id, claim, time);
                if (!claim.IsHeldBy(spec.Id))
                    throw new AddressInUseException(spec.Id, field, text, claim.Holder!);
                if (!held.Contains(key))
                    taken.Add(key);
            }
        }
        catch
        {
            await ReleaseAsync(grains, spec.Id, taken);
            throw;
        }
    }

    /// <summary>
    /// Frees <paramref name="keys"/> if <paramref name="workloadId"/> holds them, each under the generation read just
    /// before: a release that reaches the claim only after this workload claimed the address again changes nothing.
    /// </summary>
    public static Task ReleaseAsync(IGrainFactory grains, string workloadId, IEnumerable<string> keys) =>
        Task.WhenAll(keys.Select(async k =>
        {
            var claim = grains.GetGrain<IAddressClaimGrain>(k);
            if (await claim.GetAsync() is { } current && current.IsHeldBy(workloadId))
                await claim.ReleaseAsync(workloadId, current.Generation);
        }));

    /// <summary>
    /// A settled claim whose holder's record does not list the address was left by a crash between claiming
    /// and persisting: take it over, but only if nobody touched the claim since it was read (the holder may
    /// claim it again meanwhile, which moves the generation).
    /// </summary>
    private static async Task<AddressClaim> TakeOverIfStaleAsync(IGrainFactory grains, string workloadId, AddressClaim claim, TimeProvider time)
    {
        if (claim.Holder is not { } holder || time.GetUtcNow() - claim.ClaimedAt < SettlePeriod)
            return claim;
        if (await grains.GetGrain<IWorkloadGrain>(holder).HoldsAddressAsync(claim.Address))
            return claim;
        return await grains.GetGrain<IAddressClaimGrain>(claim.Address).TakeOverAsync(workloadId, claim);
    }
}
