using System.Collections.Concurrent;
using MicroSeg.Grains.Interfaces.Policies;
using MicroSeg.Grains.Interfaces.Workloads;

namespace MicroSeg.Grains.Rules;

/// <summary>
/// What rule computations derive from one workload spec, worked out once per spec: specs are immutable and shared
/// by every snapshot and every node computation, which would otherwise parse, format and hash the same addresses
/// again each time.
/// </summary>
/// <remarks>
/// Kept by workload id, with the spec instance they were made from, rather than in a weak table keyed by the spec: each
/// entry of a weak table is a dependent handle, and every gen-0 collection scanned all of them (≈ 50,000 at 50,000
/// workloads, several milliseconds of each pause). A derivation that sees a workload removed or replaced forgets its
/// facts (<see cref="Forget"/>). A computation still on an older snapshot can make them again, so every model also
/// trims the facts to its own workloads once they outnumber them by a margin (<see cref="Trim"/>).
/// </remarks>
internal sealed class SpecFacts
{
    private static readonly ConcurrentDictionary<string, SpecFacts> Known = new(StringComparer.Ordinal);

    // About how many entries Known has, kept by its writers: its own Count takes every lock of the dictionary (up to
    // 1,024 at 50,000 entries), too much for each model to ask.
    private static int _count;

    private SpecFacts(WorkloadSpec spec)
    {
        Spec = spec;
        Hosts = spec.Addresses.Select(a => CidrBlock.TryParse(a, out var b) && b.Value.PrefixLength == b.Value.Width ? b : null)
            .OfType<CidrBlock>().ToArray();
        HostTexts = Hosts.Select(h => h.ToString()).ToArray();
        var digest = new Fnv64().Add(spec.Id).Add(spec.Interface ?? "");
        foreach (var a in spec.Addresses)
            digest.Add(a);
        Digest = digest.Value;
    }

    public static SpecFacts Of(WorkloadSpec spec)
    {
        if (Known.TryGetValue(spec.Id, out var facts) && ReferenceEquals(facts.Spec, spec))
            return facts;
        // Another instance of the spec (a newer one, or one read by another silo of this process) replaces the entry;
        // the reference check above keeps each caller's answer right whichever instance the entry holds.
        var made = new SpecFacts(spec);
        if (facts is null && Known.TryAdd(spec.Id, made))
            Interlocked.Increment(ref _count);
        else
            Known[spec.Id] = made;
        return made;
    }

    /// <summary>Drops the facts of <paramref name="spec"/> when they are the ones kept for its id.</summary>
    public static void Forget(WorkloadSpec spec)
    {
        if (Known.TryGetValue(spec.Id, out var facts) && ReferenceEquals(facts.Spec, spec))
        {
            if (Known.TryRemove(KeyValuePair.Create(spec.Id, facts)))
                Interlocked.Decrement(ref _count);
        }
    }

    /// <summary>
    /// Keeps only the facts of <paramref name="workloads"/>' ids when more than a margin (a quarter, at least 1,024) of
    /// others are kept: a sweep costs a pass over both, so it runs about once per that many deleted workloads.
    /// </summary>
    public static void Trim(IReadOnlyList<WorkloadRecord> workloads)
    {
        if (Volatile.Read(ref _count) > workloads.Count + Math.Max(1024, workloads.Count / 4))
            RetainOnly(workloads);
    }

    /// <summary>Drops the facts of every workload id not in <paramref name="workloads"/>.</summary>
    internal static void RetainOnly(IReadOnlyList<WorkloadRecord> workloads)
    {
        if (Known.IsEmpty)
            return;
        var ids = new HashSet<string>(workloads.Count, StringComparer.Ordinal);
        foreach (var w in workloads)
            ids.Add(w.Spec.Id);
        foreach (var id in Known.Keys)
        {
            if (!ids.Contains(id))
                Known.TryRemove(id, out _);
        }
        Volatile.Write(ref _count, Known.Count);
    }

    /// <summary>How many specs' facts are kept (tests).</summary>
    internal static int Count => Known.Count;

    /// <summary>The spec these facts were made from.</summary>
    public WorkloadSpec Spec { get; }

    /// <summary>The spec's addresses as host blocks.</summary>
    /// <remarks>
    /// A record stored before addresses had to be canonical may hold text that no longer parses: such an address is
    /// left out (it resolves to WORLD, which no rule names), rather than failing the whole node.
    /// </remarks>
    public CidrBlock[] Hosts { get; }

    /// <summary><see cref="Hosts"/> as ipcache text, index for index.</summary>
    public string[] HostTexts { get; }

    /// <summary>A content hash of the spec's id, interface and addresses.</summary>
    public ulong Digest { get; }
}
