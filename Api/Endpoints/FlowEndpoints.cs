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
    /// <summary>Label key that groups workloads at level=app unless ?label= names another.</summary>
    public const string DefaultAppLabel = "app";

    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/flows", GetFlowsAsync).WithTags("Flows").WithName("ListFlows")
            .WithSummary("Flow history, newest first, filtered by src, dst, namespace, verdict, policy, since, until; paged with limit and cursor. follow=true streams new flows as server-sent events.");
        api.MapGet("/topology", GetTopologyAsync).WithTags("Flows").WithName("GetTopology")
            .WithSummary("The traffic graph at level=workload|app|namespace (app groups by the 'app' label, or by ?label=KEY), from edges seen since ?since=.");
    }

    private static async Task<Results<Ok<FlowListView>, FlowEventStream, ProblemHttpResult>> GetFlowsAsync(
        HttpRequest request, IGrainFactory grains)
    {
        var (query, follow, errors) = FlowQueryParser.Parse(request.Query);
        if (errors.Count > 0)
            return ApiProblems.Invalid(errors);
        var history = grains.GetGrain<IFlowHistoryGrain>(0);
        if (follow)
        {
            return new FlowEventStream(history, query, FlowEventStream.ResumeFrom(request) ?? await history.GetLatestIdAsync());
        }
        var page = await history.QueryAsync(query);
        return TypedResults.Ok(new FlowListView(page.Items.Select(FlowView.From).ToList(),
            page.Next is { } next ? FlowQueryParser.Cursor.Write(next) : null));
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
        var from = since is null ? null : FlowQueryParser.Time(since, "since", errors);
        if (label is not null && NameRules.CheckLabelKey(label) is { } labelError)
            errors.Add(new ValidationError("label", labelError));
        if (errors.Count > 0)
            return ApiProblems.Invalid(errors);
        return TypedResults.Ok(await grains.GetGrain<ITopologyIndexGrain>(GrainKeys.Cluster).GetAsync(topologyLevel, label ?? DefaultAppLabel, from));
    }
}
