using MicroSeg.Grains.Interfaces.Policies;
using MicroSeg.Grains.Interfaces.Workloads;

namespace MicroSeg.Grains.Tests.Rules;

/// <summary>
/// A cluster that changes at random, as the workload index would hand it out (one new record per written
/// workload, ordered by id), with identities allocated per label set and released when unused, so that numbers
/// come back for other labels.
/// </summary>
internal sealed class RandomCluster
{
    public const int Nodes = 4;
    private const int Apps = 6;
    private readonly Random _random;
    private readonly SortedDictionary<string, WorkloadRecord> _workloads = new(StringComparer.Ordinal);
    private readonly Dictionary<string, uint> _identities = new(StringComparer.Ordinal);
    private int _created;

    public RandomCluster(Random random)
    {
        _random = random;
        for (var i = 0; i < 120; i++)
            Create();
    }

    public IReadOnlyList<WorkloadRecord> Snapshot() => _workloads.Values.ToList();

    public void Change(int changes)
    {
        for (var c = 0; c < changes; c++)
        {
            var ids = _workloads.Keys.ToArray();
            var id = ids[_random.Next(ids.Length)];
            var spec = _workloads[id].Spec;
            switch (_random.Next(7))
            {
                case 0: Put(spec with { Labels = Labels() }); break;
                case 1: Put(spec with { Node = $"n{_random.Next(Nodes)}" }); break;
                case 2: Put(spec with { Addresses = Addresses(_random.Next(400)) }); break;
                case 3: Put(spec with { Namespace = spec.Namespace == "default" ? "shop" : "default" }); break;
                case 4: Put(spec with { Interface = spec.Interface is null ? $"v{id}" : null, Ports = Ports() }); break;
                case 5: _workloads.Remove(id); Release(); break;
                default: Create(); break;
            }
        }
    }

    /// <summary>A fresh policy list: selector, namespace-selector, named-port, block-with-except, deny and any-peer rules.</summary>
    /// <summary>Random policies, which may name ports by name and address blocks.</summary>
    public IReadOnlyList<PolicySpec> Policies(bool namedPorts = true, bool blocks = true)
    {
        var policies = new List<PolicySpec>();
        for (var i = 0; i < 8; i++)
        {
            var target = App(_random.Next(Apps));
            var peer = App(_random.Next(Apps));
            policies.Add(new PolicySpec
            {
                Id = $"p{i}",
                Namespace = i % 4 == 3 ? "shop" : null,
                Action = i == 5 ? PolicyAction.Deny : PolicyAction.Allow,
                Selector = Match("app", target),
                Ingress =
                [
                    new PolicyRule { From = [new PolicyPeer { Selector = Match("app", peer) }], Ports = [new PolicyPort { Protocol = "TCP", Port = 80 + i }] },
                    new PolicyRule
                    {
                        From = [new PolicyPeer { Selector = Match("env", "prod"), NamespaceSelector = Match("team", "a") }],
                        Ports = [new PolicyPort { Protocol = "TCP", Port = namedPorts ? "http" : 8080 }],
                    },
                ],
                Egress = !blocks
                    ? [new PolicyRule { To = [new PolicyPeer { Selector = Match("app", target) }], Ports = [new PolicyPort { Protocol = "TCP", Port = namedPorts ? "http" : 53 }] }]
                    : i % 2 == 0
                    ? [new PolicyRule { To = [new PolicyPeer { Cidr = "198.18.0.0/25", Except = ["198.18.0.0/28"] }] }]
                    : [new PolicyRule { Ports = [new PolicyPort { Protocol = "TCP", Port = "http" }] }],
            });
        }
        return policies;
    }

    private void Create()
    {
        var n = _created++;
        Put(new WorkloadSpec
        {
            Id = $"w{n:D4}",
            Node = $"n{_random.Next(Nodes)}",
            Interface = _random.Next(8) == 0 ? null : $"v{n}",
            Addresses = Addresses(n),
            Labels = Labels(),
            Namespace = _random.Next(4) == 0 ? "shop" : "default",
            Ports = Ports(),
        });
    }

    private void Put(WorkloadSpec spec)
    {
        var key = $"{spec.Namespace}|{string.Join(',', spec.Labels.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}={kv.Value}"))}";
        if (!_identities.TryGetValue(key, out var identity))
        {
            identity = 256;
            while (_identities.ContainsValue(identity))
                identity++;
            _identities[key] = identity;
        }
        _workloads[spec.Id] = new WorkloadRecord(spec, identity);
        Release();
    }

    /// <summary>Label sets no workload has any more give their number back (the next new label set may get it).</summary>
    private void Release()
    {
        var used = _workloads.Values.Select(w => w.Identity).ToHashSet();
        foreach (var (key, identity) in _identities.ToList())
        {
            if (!used.Contains(identity))
                _identities.Remove(key);
        }
    }

    // Mostly one address of its own; sometimes one that another workload also lists, or a second one.
    private IReadOnlyList<string> Addresses(int n) => _random.Next(10) switch
    {
        0 => [Address(_random.Next(40))],
        1 => [Address(n), Address(n + 1000)],
        _ => [Address(n)],
    };

    private static string Address(int n) => $"198.18.{n / 200}.{n % 200}";

    private Dictionary<string, string> Labels() => new()
    {
        ["app"] = App(_random.Next(Apps)),
        ["env"] = _random.Next(2) == 0 ? "prod" : "dev",
    };

    private Dictionary<string, string> Ports() =>
        _random.Next(3) == 0 ? new() { ["http"] = $"TCP/{8000 + _random.Next(3)}" } : [];

    private static string App(int i) => $"a{i}";

    private static LabelSelector Match(string key, string value) => new() { MatchLabels = new Dictionary<string, string> { [key] = value } };
}
