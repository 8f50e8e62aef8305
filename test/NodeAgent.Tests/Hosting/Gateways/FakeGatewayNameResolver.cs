using System.Net;
using System.Net.Sockets;
using MicroSeg.NodeAgent.Hosting.Gateways;

namespace MicroSeg.NodeAgent.Tests.Hosting.Gateways;

/// <summary>A name table the test changes as DNS would: names map to addresses, fail, or hang until cancelled.</summary>
internal sealed class FakeGatewayNameResolver : IGatewayNameResolver
{
    private readonly Dictionary<string, Func<CancellationToken, Task<IPAddress[]>>> _names = new(StringComparer.OrdinalIgnoreCase);
    private int _calls;

    /// <summary>How many resolutions were asked for.</summary>
    public int Calls => Volatile.Read(ref _calls);

    public void Set(string host, params string[] addresses)
    {
        var parsed = addresses.Select(IPAddress.Parse).ToArray();
        lock (_names)
            _names[host] = _ => Task.FromResult(parsed);
    }

    /// <summary>The name stops resolving, as NXDOMAIN or an unreachable DNS server does.</summary>
    public void Fail(string host)
    {
        lock (_names)
            _names[host] = _ => Task.FromException<IPAddress[]>(new SocketException((int)SocketError.HostNotFound));
    }

    /// <summary>The DNS server never answers: the lookup ends only when its token is cancelled.</summary>
    public void Hang(string host)
    {
        lock (_names)
            _names[host] = async cancellationToken =>
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
                return [];
            };
    }

    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        Func<CancellationToken, Task<IPAddress[]>>? answer;
        lock (_names)
            _names.TryGetValue(host, out answer);
        return answer is null
            ? Task.FromException<IPAddress[]>(new SocketException((int)SocketError.HostNotFound))
            : answer(cancellationToken);
    }
}
