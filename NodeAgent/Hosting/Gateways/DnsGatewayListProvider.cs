using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Messaging;
using Orleans.Runtime;

namespace MicroSeg.NodeAgent.Hosting.Gateways;

/// <summary>
/// The agent's gateway list for Orleans' client: literal addresses as given, and every IPv4 and IPv6 address
/// of each named entry, resolved again once the last resolution is older than
/// <see cref="GatewayDnsOptions.RefreshPeriod"/>. Orleans' GatewayManager asks every
/// <c>GatewayListRefreshPeriod</c> and closes its connections to gateways that left the list, so an agent
/// follows a Kubernetes headless Service or a DNS round-robin name as silos are replaced, without a restart.
/// A name that fails to resolve (or resolves to nothing) keeps its last good addresses: a DNS outage must not
/// take away gateways that may still answer.
/// </summary>
internal sealed partial class DnsGatewayListProvider : IGatewayListProvider
{
    private readonly GatewayEntry[] _entries;
    private readonly GatewayDnsOptions _options;
    private readonly TimeSpan _clientRefreshPeriod;
    private readonly IGatewayNameResolver _resolver;
    private readonly TimeProvider _time;
    private readonly ILogger<DnsGatewayListProvider> _logger;
    private readonly SemaphoreSlim _resolving = new(1, 1);
    private readonly Dictionary<GatewayEntry, IPAddress[]> _lastGood = [];
    private readonly bool _hasNames;
    // Replaced whole, so a request that does not resolve reads it without the lock.
    private volatile Snapshot? _snapshot;

    public DnsGatewayListProvider(
        IOptions<GatewayDnsOptions> options,
        IOptions<GatewayOptions> gatewayOptions,
        IGatewayNameResolver resolver,
        TimeProvider time,
        ILogger<DnsGatewayListProvider> logger)
    {
        _options = options.Value;
        _entries = [.. _options.Gateways.Select(GatewayEntry.Parse)];
        _hasNames = _entries.Any(e => e.IsName);
        _clientRefreshPeriod = gatewayOptions.Value.GatewayListRefreshPeriod;
        _resolver = resolver;
        _time = time;
        _logger = logger;
    }

    /// <summary>The list is at most one resolution period plus one client refresh period old.</summary>
    public TimeSpan MaxStaleness => _options.RefreshPeriod + _clientRefreshPeriod;

    [Obsolete("Orleans considers every provider updatable; kept because the interface still declares it.")]
    public bool IsUpdatable => true;

    public Task InitializeGatewayListProvider() => Task.CompletedTask;

    public async Task<IList<Uri>> GetGateways()
    {
        if (_snapshot is { } fresh && !IsDue(fresh))
            return fresh.Gateways;
        // Orleans may ask from its refresh timer and from an expedited refresh at once: resolve once.
        await _resolving.WaitAsync();
        try
        {
            if (_snapshot is not { } current || IsDue(current))
            {
                await ResolveNamesAsync();
                _snapshot = current = new Snapshot(CurrentList(), _time.GetUtcNow());
            }
            return current.Gateways;
        }
        finally
        {
            _resolving.Release();
        }
    }

    // Literal addresses never change. An empty list (no name resolved yet) is retried on every request: the
    // client cannot start without a gateway, and Orleans keeps asking while it has none.
    private bool IsDue(Snapshot snapshot) =>
        _hasNames && (snapshot.Gateways.Count == 0 || _time.GetUtcNow() - snapshot.At >= _options.RefreshPeriod);

    private Task ResolveNamesAsync() => Task.WhenAll(_entries.Where(e => e.IsName).Select(ResolveAsync));

    private async Task ResolveAsync(GatewayEntry entry)
    {
        IPAddress[] addresses;
        try
        {
            using var timeout = new CancellationTokenSource(_options.ResolveTimeout, _time);
            addresses = await _resolver.ResolveAsync(entry.Host, timeout.Token);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            KeepLastGood(entry, e is OperationCanceledException ? $"no answer within {_options.ResolveTimeout.TotalSeconds:0.##} s" : e.Message);
            return;
        }
        if (addresses.Length == 0)
        {
            KeepLastGood(entry, "the name has no address");
            return;
        }
        // DNS round-robin rotates the order; Orleans' round-robin over the list assumes a stable one.
        var sorted = addresses.Distinct().Order(AddressOrder.Instance).ToArray();
        lock (_lastGood)
        {
            if (_lastGood.TryGetValue(entry, out var previous) && previous.SequenceEqual(sorted))
                return;
            _lastGood[entry] = sorted;
        }
        LogResolved(entry.ToString(), string.Join(", ", sorted.Select(a => a.ToString())));
    }

    private void KeepLastGood(GatewayEntry entry, string reason)
    {
        IPAddress[] kept;
        lock (_lastGood)
            kept = _lastGood.GetValueOrDefault(entry) ?? [];
        LogResolveFailed(entry.ToString(), reason, kept.Length, string.Join(", ", kept.Select(a => a.ToString())));
    }

    private List<Uri> CurrentList()
    {
        var endpoints = new List<IPEndPoint>();
        lock (_lastGood)
        {
            foreach (var entry in _entries)
            {
                if (entry.Address is { } literal)
                    endpoints.Add(new IPEndPoint(literal, entry.Port));
                else if (_lastGood.TryGetValue(entry, out var addresses))
                    endpoints.AddRange(addresses.Select(a => new IPEndPoint(a, entry.Port)));
            }
        }
        return [.. endpoints.Distinct().Select(e => e.ToGatewayUri())];
    }

    private sealed record Snapshot(IList<Uri> Gateways, DateTimeOffset At);

    /// <summary>IPv4 before IPv6, then by bytes: a total order that does not depend on what DNS returned first.</summary>
    private sealed class AddressOrder : IComparer<IPAddress>
    {
        public static readonly AddressOrder Instance = new();

        public int Compare(IPAddress? x, IPAddress? y)
        {
            var family = x!.AddressFamily.CompareTo(y!.AddressFamily);
            return family != 0 ? family : x.GetAddressBytes().AsSpan().SequenceCompareTo(y.GetAddressBytes());
        }
    }

    [LoggerMessage(EventId = 3004, Level = LogLevel.Information, Message = "Gateway {Gateway} resolves to {Addresses}")]
    private partial void LogResolved(string gateway, string addresses);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Warning, Message = "Could not resolve gateway {Gateway} ({Reason}); keeping its last {Count} addresses [{Addresses}]")]
    private partial void LogResolveFailed(string gateway, string reason, int count, string addresses);
}
