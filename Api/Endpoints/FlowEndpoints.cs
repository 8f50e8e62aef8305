using System.Runtime.CompilerServices;
using MicroSeg.Api.Flows;
using MicroSeg.Api.Problems;
using MicroSeg.Grains.Interfaces;
using MicroSeg.Grains.Interfaces.Flows;
using MicroSeg.Grains.Interfaces.Validation;
using Orleans;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace MicroSeg.Api.Endpoints;

/// <summary>/api/v1/flows and /api/v1/topology: what talked to what, and what decided it.</summary>
internal static class FlowEndpoints
{
    /// <summary>How often a follower looks for new flows (agents report every few seconds).</summary>
    internal static readonly TimeSpan FollowPollPeriod = TimeSpan.FromMilliseconds(500);

    /// <summary>Label key that groups workloads at level=app unless ?label= names another.</summary>
    public const string DefaultAppLabel = "app";

    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/flows", GetFlowsAsync).WithTags("Flows").WithName("ListFlows")
            .WithSummary("Flow history, newest first, filtered by src, dst, namespace, verdict, policy, since, until; paged with limit and cursor. follow=true streams new flows as server-sent events.");
        api.MapGet("/topology", GetTopologyAsync).WithTags("Flows").WithName("GetTopology")
            .WithSummary("The traffic graph at level=workload|app|namespace (app groups by the 'app' label, or by ?label=KEY), from edges seen since ?since=.");
    }

    private static async Task<Results<Ok<FlowListView>, ServerSentEventsResult<FlowView>, ProblemHttpResult>> GetFlowsAsync(
        HttpRequest request, IGrainFactory grains, CancellationToken ct)
    {
        var (query, follow, errors) = FlowQueryParser.Parse(request.Query);
        if (errors.Count > 0)
            return ApiProblems.Invalid(errors);
        var history = grains.GetGrain<IFlowHistoryGrain>(0);
        if (follow)
        {
            var from = await history.GetLatestIdAsync();
            return TypedResults.ServerSentEvents(FollowAsync(history, query, from, ct), eventType: "flow");
        }
        var page = await history.QueryAsync(query);
        return TypedResults.Ok(new FlowListView(page.Items.Select(FlowView.From).ToList(),
            page.Next is { } next ? FlowQueryParser.Cursor.Write(next) : null));
    }

    /// <summary>New flows matching <paramref name="query"/>, oldest first, until the client leaves.</summary>
    private static async IAsyncEnumerable<FlowView> FollowAsync(IFlowHistoryGrain history, FlowQuery query, long after, [EnumeratorCancellation] CancellationToken ct)
    {
        var next = query with { Before = null, Limit = FlowQuery.MaxLimit };
        while (!ct.IsCancellationRequested)
        {
            var page = await history.QueryAsync(next with { After = after });
            foreach (var record in page.Items)
            {
                after = record.Id;
                yield return FlowView.From(record);
            }
            if (page.Next is null)
            {
                try
                {
                    await Task.Delay(FollowPollPeriod, ct);
                }
                catch (OperationCanceledException)
                {
                    yield break;
                }
            }
        }
    }

    private static async Task<Results<Ok<TopologyView>, ProblemHttpResult>> GetTopologyAsync(
        string? level, string? since, string? label, IGrainFactory grains)
    {
        var errors = new List<ValidationError>();
        var topologyLevel = level switch
        {
            null or "workload" => TopologyLevel.Workload,
            "app" => TopologyLevel.App,
            "namespace" => TopologyLevel.Namespace,
            _ => (TopologyLevel)0,
        };
        if (topologyLevel == 0)
            errors.Add(new ValidationError("level", $"'{level}' is not a level; use workload, app or namespace."));
        DateTimeOffset? from = null;
        if (since is not null)
        {
            if (DateTimeOffset.TryParse(since, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var t))
                from = t;
            else
                errors.Add(new ValidationError("since", $"'{since}' is not a time; use RFC 3339, e.g. 2026-12-06T10:00:00Z."));
        }
        if (label is not null && NameRules.CheckLabelKey(label) is { } labelError)
            errors.Add(new ValidationError("label", labelError));
        if (errors.Count > 0)
            return ApiProblems.Invalid(errors);
        return TypedResults.Ok(await grains.GetGrain<ITopologyIndexGrain>(GrainKeys.Cluster).GetAsync(topologyLevel, label ?? DefaultAppLabel, from));
    }
}
