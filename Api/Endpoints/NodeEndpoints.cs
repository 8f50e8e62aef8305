using MicroSeg.Api.Security;
using MicroSeg.Api.Problems;
using MicroSeg.Grains.Interfaces;
using MicroSeg.Grains.Interfaces.Nodes;
using MicroSeg.Grains.Interfaces.Workloads;
using MicroSeg.Grains.Interfaces.Validation;
using Orleans;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace MicroSeg.Api.Endpoints;

/// <summary>/api/v1/nodes: agent status and the effective rules of each node.</summary>
internal static class NodeEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        var group = api.MapGroup("/nodes").WithTags("Nodes");
        group.MapGet("/", ListAsync).WithName("ListNodes").WithSummary("Lists every known node with its agent status.");
        group.MapGet("/{name}", GetAsync).WithName("GetNode").WithSummary("Agent status and revisions of one node.");
        group.MapGet("/{name}/rules", GetRulesAsync).WithName("GetNodeRules").WithSummary("The effective rules on a node, each with the policy rule that produced it.");
        group.MapDelete("/{name}", DeleteAsync).RequireAuthorization(ApiPolicies.Admin).WithName("DeleteNode")
            .WithSummary("Forgets a node that has no workloads and no connected agent (a mistyped or retired node); 409 otherwise.");
        group.MapPost("/{name}/accept", AcceptAsync).RequireAuthorization(ApiPolicies.Admin).WithName("AcceptNodeControlPlane")
            .WithSummary("Lets the node's agent apply the state it holds back (status 'hold': another cluster identity, or far emptier than what it enforces).");
    }

    private static async Task<Ok<NodeStatus[]>> ListAsync(IGrainFactory grains)
    {
        var names = await grains.GetGrain<INodeIndexGrain>(GrainKeys.Cluster).GetAllAsync();
        return TypedResults.Ok(await Task.WhenAll(names.Select(n => grains.GetGrain<INodeGrain>(n).GetStatusAsync())));
    }

    private static async Task<Results<Ok<NodeStatus>, ProblemHttpResult>> GetAsync(string name, IGrainFactory grains)
    {
        if (await UnknownAsync(name, grains) is { } problem)
            return problem;
        return TypedResults.Ok(await grains.GetGrain<INodeGrain>(name).GetStatusAsync());
    }

    private static async Task<Results<Ok<NodeRules>, ProblemHttpResult>> GetRulesAsync(string name, IGrainFactory grains)
    {
        if (await UnknownAsync(name, grains) is { } problem)
            return problem;
        return TypedResults.Ok(await grains.GetGrain<INodeGrain>(name).GetRulesAsync());
    }

    private static async Task<Results<Ok<ControlPlaneHold>, ProblemHttpResult>> AcceptAsync(string name, HttpContext context, IGrainFactory grains)
    {
        if (await UnknownAsync(name, grains) is { } problem)
            return problem;
        if (await grains.GetGrain<INodeGrain>(name).AcceptControlPlaneAsync() is { } hold)
        {
            await AuditTrail.RecordAsync(context, grains, "node", name, before: null, after: new { acceptedHold = hold });
            return TypedResults.Ok(hold);
        }
        return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Nothing to accept.",
            detail: $"node '{name}': its agent reports no held state ('hold' is null in GET /api/v1/nodes/{name}); it applies what the control plane sends.",
            type: "https://microseg.dev/problems/nothing-to-accept");
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string name, HttpContext context, IGrainFactory grains)
    {
        if (await UnknownAsync(name, grains) is { } problem)
            return problem;
        // A connected agent (the node grain's own status) or a workload still placed there keeps the node.
        var status = await grains.GetGrain<INodeGrain>(name).GetStatusAsync();
        var placed = (await grains.GetGrain<IWorkloadIndexGrain>(GrainKeys.Cluster).GetAllAsync()).Count(w => w.Spec.Node == name);
        if (status.AgentConnected || placed > 0)
        {
            var why = status.AgentConnected
                ? "its agent is connected: stop the agent (and uninstall it) first"
                : $"{placed} workload(s) are placed on it: move or delete them first";
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The node is in use.",
                detail: $"node '{name}': {why}.", type: "https://microseg.dev/problems/node-in-use");
        }
        if (await grains.GetGrain<INodeIndexGrain>(GrainKeys.Cluster).RemoveAsync(name))
            await AuditTrail.RecordAsync(context, grains, "node", name, before: status, after: null);
        return TypedResults.NoContent();
    }

    private static async Task<ProblemHttpResult?> UnknownAsync(string name, IGrainFactory grains)
    {
        if (NameRules.CheckId(name, "node name") is { } error)
            return ApiProblems.Invalid([new ValidationError("name", error)]);
        var known = await grains.GetGrain<INodeIndexGrain>(GrainKeys.Cluster).GetAllAsync();
        return known.Contains(name) ? null : ApiProblems.NotFound("node", name);
    }
}
