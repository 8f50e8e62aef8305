using System.Runtime.CompilerServices;
using MicroSeg.Grains.Interfaces.Policies;
using MicroSeg.Grains.Interfaces.Workloads;

namespace MicroSeg.Grains.Rules;

/// <summary>
/// What rule computations derive from one workload spec, worked out once per spec: specs are immutable and shared
/// by every snapshot and every node computation, which would otherwise parse, format and hash the same addresses
/// again each time.
/// </summary>
internal sealed class SpecFacts
{
    private static readonly ConditionalWeakTable<WorkloadSpec, SpecFacts> Known = [];

    private SpecFacts(WorkloadSpec spec)
    {
        Hosts = spec.Addresses.Select(a => CidrBlock.TryParse(a, out var b) && b.Value.PrefixLength == b.Value.Width ? b : null)
            .OfType<CidrBlock>().ToArray();
        HostTexts = Hosts.Select(h => h.ToString()).ToArray();
        var digest = new Fnv64().Add(spec.Id).Add(spec.Interface ?? "");
        foreach (var a in spec.Addresses)
            digest.Add(a);
        Digest = digest.Value;
    }

    public static SpecFacts Of(WorkloadSpec spec) => Known.GetValue(spec, s => new SpecFacts(s));

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
