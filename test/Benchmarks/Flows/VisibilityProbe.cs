using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MicroSeg.Testing;

namespace MicroSeg.Benchmarks.Flows;

/// <summary>
/// Packet-to-visible delay per connection: while the storm runs, a probe pod opens one connection every
/// <see cref="Every"/> to the server, and a poller reads <c>GET /api/v1/flows?src=probe</c> every
/// <see cref="PollEvery"/>. When the API's count grows from k to k', connections k..k'-1 (in the order they were
/// made) became visible at that poll; each one's delay is that time minus the moment its connect completed.
/// Resolution: the poll period.
/// </summary>
internal sealed class VisibilityProbe
{
    private static readonly TimeSpan Every = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan PollEvery = TimeSpan.FromMilliseconds(100);

    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<TimeSpan> _connected = [];
    private readonly List<TimeSpan> _visible = [];

    /// <summary>Connections the probe made and could not make.</summary>
    public int Made => _connected.Count;

    public int Failed { get; private set; }

    /// <summary>Probes connections from <paramref name="probe"/> until <paramref name="stop"/> is cancelled.</summary>
    public async Task ProbeAsync(TestPod probe, IPAddress server, int port, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            if (await probe.CanConnectTcpAsync(server, port, TimeSpan.FromSeconds(5)))
            {
                lock (_connected)
                    _connected.Add(_clock.Elapsed);
            }
            else
            {
                Failed++;
            }
            try
            {
                await Task.Delay(Every, stop);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    /// <summary>Polls the flows API until every probe connection made so far is visible and <paramref name="probing"/> has ended, or <paramref name="limit"/> passes after it.</summary>
    public async Task PollAsync(HttpClient http, string probeWorkload, Task probing, TimeSpan limit)
    {
        var ended = default(Stopwatch);
        while (true)
        {
            var accounted = await AccountedAsync(http, $"src={probeWorkload}");
            var now = _clock.Elapsed;
            lock (_connected)
            {
                while (_visible.Count < Math.Min(accounted, _connected.Count))
                    _visible.Add(now);
            }
            if (probing.IsCompleted)
            {
                ended ??= Stopwatch.StartNew();
                if (_visible.Count >= _connected.Count || ended.Elapsed > limit)
                    return;
            }
            await Task.Delay(PollEvery);
        }
    }

    /// <summary>Delays of the connections that became visible, sorted.</summary>
    public IReadOnlyList<TimeSpan> Delays() =>
        _visible.Select((v, i) => v - _connected[i]).Order().ToList();

    /// <summary>The connections of every page of <c>GET /api/v1/flows?{filter}</c>, summed.</summary>
    public static async Task<long> AccountedAsync(HttpClient http, string filter)
    {
        long sum = 0;
        string? cursor = null;
        do
        {
            var page = (await http.GetFromJsonAsync<JsonNode>($"/api/v1/flows?{filter}&limit=1000{(cursor is null ? "" : $"&cursor={cursor}")}"))!;
            sum += page["items"]!.AsArray().Sum(f => (long)f!["connections"]!);
            cursor = (string?)page["next"];
        }
        while (cursor is not null);
        return sum;
    }
}
