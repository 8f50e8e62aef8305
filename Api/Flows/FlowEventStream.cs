using System.Globalization;
using System.Text.Json;
using MicroSeg.Grains.Interfaces.Flows;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace MicroSeg.Api.Flows;

/// <summary>
/// GET /api/v1/flows?follow=true: new flows as server-sent events (<c>event: flow</c>, <c>id:</c> the history id,
/// <c>data:</c> the flow as JSON) until the client leaves. Headers go out at once, so a client knows it is
/// following before the first flow; a comment every <see cref="KeepAlive"/> keeps idle proxies from closing the
/// stream. A client that reconnects with <c>Last-Event-ID</c> continues after that flow.
/// </summary>
internal sealed class FlowEventStream(IFlowHistoryGrain history, FlowQuery query, long after) : IResult
{
    /// <summary>How often the stream looks for new flows (agents report every few seconds).</summary>
    internal static readonly TimeSpan PollPeriod = TimeSpan.FromMilliseconds(500);

    /// <summary>Longest silence on the stream.</summary>
    internal static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    /// <summary>The id to continue after: the client's Last-Event-ID when it sends a valid one.</summary>
    public static long? ResumeFrom(HttpRequest request) =>
        long.TryParse(request.Headers["Last-Event-ID"].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;

    public async Task ExecuteAsync(HttpContext context)
    {
        var json = context.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        var time = context.RequestServices.GetRequiredService<TimeProvider>();
        var ct = context.RequestAborted;
        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        await response.StartAsync(ct);
        await response.Body.FlushAsync(ct);
        var next = query with { Before = null, Limit = FlowQuery.MaxLimit };
        var quietSince = time.GetTimestamp();
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var page = await history.QueryAsync(next with { After = after });
                foreach (var record in page.Items)
                {
                    after = record.Id;
                    var data = JsonSerializer.Serialize(FlowView.From(record), json);
                    await response.WriteAsync($"event: flow\nid: {record.Id.ToString(CultureInfo.InvariantCulture)}\ndata: {data}\n\n", ct);
                }
                if (page.Items.Count > 0)
                {
                    await response.Body.FlushAsync(ct);
                    quietSince = time.GetTimestamp();
                }
                else if (time.GetElapsedTime(quietSince) >= KeepAlive)
                {
                    await response.WriteAsync(": keep-alive\n\n", ct);
                    await response.Body.FlushAsync(ct);
                    quietSince = time.GetTimestamp();
                }
                if (page.Next is null)
                    await Task.Delay(PollPeriod, time, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The client left: the normal end of a follow.
        }
    }
}
