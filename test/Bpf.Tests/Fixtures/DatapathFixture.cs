using System.Security.Cryptography;
using MicroSeg.Testing;

namespace MicroSeg.Bpf.Tests.Fixtures;

/// <summary>
/// One loaded datapath (own pin directory, small conntrack) plus a test network whose two
/// host veths give the real ifindexes that BPF_PROG_TEST_RUN needs. Tests call
/// <see cref="Reset"/> first so they do not depend on each other's map state.
/// </summary>
public sealed class DatapathFixture : IDisposable
{
    public DatapathFixture()
    {
        PinDirectory = NewPinDirectory();
        Network = TestNetwork.Create();
        try
        {
            PodA = Network.AddPod("a", "198.18.0.1/24");
            PodB = Network.AddPod("b", "198.18.0.2/24");
            Datapath = Datapath.Load(new DatapathOptions
            {
                ObjectPath = RepoLayout.BpfObjectPath,
                PinDirectory = PinDirectory,
                ConntrackMaxEntries = 4096,
                // Short enough that a test can write an entry idle past it on a machine booted minutes ago (CI).
                ConntrackTimeouts = new ConntrackTimeouts { TcpEstablished = TimeSpan.FromMinutes(2) },
            });
            Events = Datapath.OpenEvents();
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public string PinDirectory { get; }

    public TestNetwork Network { get; }

    public TestPod PodA { get; } = null!;

    public TestPod PodB { get; } = null!;

    public Datapath Datapath { get; } = null!;

    public FlowEventReader Events { get; } = null!;

    /// <summary>A fresh pin directory under /sys/fs/bpf/microseg, unique per call.</summary>
    public static string NewPinDirectory() =>
        $"/sys/fs/bpf/microseg/test-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";

    /// <summary>Empties every map and the event ring.</summary>
    public void Reset()
    {
        Datapath.Endpoints.Clear();
        Datapath.SourceAddresses.Clear();
        Datapath.IpCache.Clear();
        Datapath.IpCacheHosts.Clear();
        Datapath.Policy.Clear();
        Datapath.PolicyRanges.Clear();
        Datapath.Conntrack.Clear();
        Datapath.SetPolicyRevision(0);
        Events.Drain();
    }

    public void Dispose()
    {
        Events?.Dispose();
        Datapath?.Dispose();
        Network.Dispose();
        if (Directory.Exists(PinDirectory))
            Directory.Delete(PinDirectory, recursive: true);
    }
}
