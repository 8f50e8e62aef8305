using System.Net;
using System.Security.Cryptography;

namespace MicroSeg.Testing;

/// <summary>
/// A throw-away L2 network for kernel tests: one bridge in the root namespace and one
/// network namespace ("pod") per <see cref="AddPod"/>, joined by a veth pair. Every name
/// starts with a random prefix ("ms" + 5 hex chars) so parallel runs never collide, and
/// <see cref="Dispose"/> removes exactly what this instance created.
/// </summary>
public sealed class TestNetwork : IDisposable
{
    private const int MaxPodNameLength = 6; // prefix (7) + name + "p" (temp peer) <= 15
    private readonly List<TestPod> _pods = new();
    private readonly List<string> _namespaces = new();
    private readonly List<string> _links = new();
    private bool _disposed;

    private TestNetwork(string prefix)
    {
        Prefix = prefix;
        Bridge = prefix + "br";
    }

    /// <summary>The unique name prefix of this network.</summary>
    public string Prefix { get; }

    /// <summary>The bridge joining the host sides of every pod's veth.</summary>
    public string Bridge { get; }

    public IReadOnlyList<TestPod> Pods => _pods;

    public static TestNetwork Create()
    {
        var network = new TestNetwork("ms" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3))[..5]);
        try
        {
            network._links.Add(network.Bridge);
            IpCommand.Run("link", "add", network.Bridge, "type", "bridge");
            DisableIpv6(network.Bridge);
            IpCommand.Run("link", "set", network.Bridge, "up");
            return network;
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Adds netns "&lt;prefix&gt;-&lt;name&gt;" whose eth0 has <paramref name="cidr"/>, with the
    /// host side "&lt;prefix&gt;&lt;name&gt;" on the bridge.
    /// </summary>
    public TestPod AddPod(string name, string cidr)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (name.Length > MaxPodNameLength || !name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c)))
            throw new ArgumentException($"Pod name '{name}' must be 1..{MaxPodNameLength} of [a-z0-9].", nameof(name));
        var slash = cidr.IndexOf('/');
        if (slash < 0 || !IPAddress.TryParse(cidr[..slash], out var address))
            throw new ArgumentException($"'{cidr}' is not an address/prefix.", nameof(cidr));

        var ns = $"{Prefix}-{name}";
        var host = Prefix + name;

        _namespaces.Add(ns);
        IpCommand.Run("netns", "add", ns);
        _links.Add(host);
        var pod = new TestPod(name, ns, host, CreateVeth(ns, host, cidr, address), address, cidr);
        _pods.Add(pod);
        return pod;
    }

    /// <summary>
    /// Deletes the pod's veth pair and creates it again with the same names and address, as a container
    /// restart does; the host side gets a new ifindex (<see cref="TestPod.HostIfIndex"/> follows).
    /// </summary>
    public void RecreateVeth(TestPod pod)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_pods.Contains(pod))
            throw new ArgumentException($"pod {pod.Name} is not part of network {Prefix}.", nameof(pod));
        DeleteVeth(pod);
        pod.HostIfIndex = CreateVeth(pod.Namespace, pod.HostInterface, pod.Cidr, pod.Address);
    }

    /// <summary>Deletes the pod's veth pair (both ends); <see cref="RecreateVeth"/> brings it back.</summary>
    public void DeleteVeth(TestPod pod)
    {
        if (!_pods.Contains(pod))
            throw new ArgumentException($"pod {pod.Name} is not part of network {Prefix}.", nameof(pod));
        if (LinkExists(pod.HostInterface))
            IpCommand.Run("link", "del", pod.HostInterface);
    }

    /// <summary>Creates the veth pair of a pod, its peer as eth0 in <paramref name="ns"/>; returns the host side's ifindex.</summary>
    private int CreateVeth(string ns, string host, string cidr, IPAddress address)
    {
        var peer = host + "p";
        IpCommand.Run("link", "add", host, "type", "veth", "peer", "name", peer);
        IpCommand.Run("link", "set", peer, "netns", ns);
        IpCommand.Run("-n", ns, "link", "set", peer, "name", "eth0");
        if (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6)
            IpCommand.Run("-n", ns, "addr", "add", cidr, "dev", "eth0", "nodad"); // usable at once
        else
            IpCommand.Run("-n", ns, "addr", "add", cidr, "dev", "eth0");
        IpCommand.Run("-n", ns, "link", "set", "lo", "up");
        IpCommand.Run("-n", ns, "link", "set", "eth0", "up");
        // No IPv6 on the host side: keeps router/neighbour solicitations off our hooks.
        DisableIpv6(host);
        IpCommand.Run("link", "set", host, "master", Bridge);
        IpCommand.Run("link", "set", host, "up");
        return int.Parse(File.ReadAllText($"/sys/class/net/{host}/ifindex").Trim());
    }

    /// <summary>Removes every namespace and link created here; already-gone ones are fine.</summary>
    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        var failures = new List<string>();
        foreach (var pod in _pods)
            pod.CloseAll();
        // Deleting a namespace deletes its veth end, and with it the host end.
        foreach (var ns in _namespaces)
        {
            if (NetNamespace.Exists(ns) && IpCommand.TryRun("netns", "del", ns) is { ExitCode: not 0 } r)
                failures.Add($"ip netns del {ns}: {r.Stderr.Trim()}");
        }
        foreach (var link in Enumerable.Reverse(_links))
        {
            if (LinkExists(link) && IpCommand.TryRun("link", "del", link) is { ExitCode: not 0 } r && LinkExists(link))
                failures.Add($"ip link del {link}: {r.Stderr.Trim()}");
        }
        if (failures.Count > 0)
            throw new InvalidOperationException("TestNetwork cleanup left objects behind: " + string.Join("; ", failures));
    }

    private static bool LinkExists(string name) => Directory.Exists($"/sys/class/net/{name}");

    private static void DisableIpv6(string link)
    {
        var path = $"/proc/sys/net/ipv6/conf/{link}/disable_ipv6";
        if (File.Exists(path))
            File.WriteAllText(path, "1");
    }
}
