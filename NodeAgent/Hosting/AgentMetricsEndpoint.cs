using System.Net;
using System.Text;
using MicroSeg.Bpf;
using MicroSeg.NodeAgent.Programming;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MicroSeg.NodeAgent.Hosting;

/// <summary>
/// Serves <c>GET /metrics</c> on <see cref="AgentOptions.Metrics"/> for Prometheus: the control-plane hold
/// alarm and monitor mode's would-deny counters, read from the kernel at each scrape. Off when no address is
/// configured. A port that cannot be bound is logged and the agent runs on: enforcement never depends on it.
/// </summary>
internal sealed partial class AgentMetricsEndpoint(
    AgentOptions options,
    ControlPlaneGuard guard,
    MonitorCounters monitor,
    AgentFlowMetrics flows,
    ILogger<AgentMetricsEndpoint> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (string.IsNullOrEmpty(options.Metrics))
            return;
        using var listener = new HttpListener();
        var prefix = $"http://{options.Metrics}/";
        listener.Prefixes.Add(prefix);
        try
        {
            listener.Start();
        }
        catch (HttpListenerException ex)
        {
            LogCannotListen(options.Metrics, ex.Message);
            return;
        }
        LogListening(prefix);
        using var stop = stoppingToken.Register(listener.Stop);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                Answer(await listener.GetContextAsync());
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or IOException)
            {
                // Stopping, or one scraper that went away mid-answer: neither may end the agent.
                if (!stoppingToken.IsCancellationRequested)
                    LogScrapeFailed(ex.Message);
            }
        }
    }

    private void Answer(HttpListenerContext context)
    {
        using var response = context.Response;
        if (context.Request.Url?.AbsolutePath != "/metrics")
        {
            response.StatusCode = (int)HttpStatusCode.NotFound;
            return;
        }
        try
        {
            var body = Encoding.UTF8.GetBytes(AgentMetricsText.Write(options.Node, guard.Current, monitor.Read(), flows.Read()));
            response.ContentType = AgentMetricsText.ContentType;
            response.OutputStream.Write(body);
        }
        catch (BpfException ex)
        {
            response.StatusCode = (int)HttpStatusCode.ServiceUnavailable;
            LogReadFailed(ex.Message);
        }
    }

    [LoggerMessage(EventId = 3501, Level = LogLevel.Information, Message = "Metrics on {Prefix}metrics")]
    private partial void LogListening(string prefix);

    [LoggerMessage(EventId = 3502, Level = LogLevel.Error, Message = "Cannot serve metrics on {Address}: {Error}; the agent runs without them")]
    private partial void LogCannotListen(string address, string error);

    [LoggerMessage(EventId = 3504, Level = LogLevel.Debug, Message = "A metrics request failed: {Error}")]
    private partial void LogScrapeFailed(string error);

    [LoggerMessage(EventId = 3503, Level = LogLevel.Warning, Message = "Could not read the counters for /metrics: {Error}")]
    private partial void LogReadFailed(string error);
}
