using System.Net;
using MicroSeg.Api.Explain;
using MicroSeg.Api.Problems;
using MicroSeg.Grains.Interfaces;
using MicroSeg.Grains.Interfaces.Explain;
using MicroSeg.Grains.Interfaces.Validation;
using MicroSeg.Grains.Interfaces.Workloads;
using Orleans;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace MicroSeg.Api.Endpoints;

/// <summary>/api/v1/why: would a new connection pass, and which policy rule decides it.</summary>
internal static class WhyEndpoints
{
    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/why", ExplainAsync).WithTags("Policies").WithName("ExplainVerdict")
            .WithSummary("Explains the verdict for a new connection src -> dst port/protocol, and the deciding policy rule.")
            .WithDescription("src and dst are workload ids or addresses. The answer evaluates the effective rules of the source's node (egress) "
                + "and of the destination's node (ingress), in the data plane's order: any deny wins, else the most specific allow, else default deny when isolated.");

    private static readonly Dictionary<string, byte> Protocols = new(StringComparer.OrdinalIgnoreCase) { ["TCP"] = 6, ["UDP"] = 17, ["SCTP"] = 132, ["ICMP"] = 1 };

    private static async Task<Results<Ok<WhyAnswer>, ProblemHttpResult>> ExplainAsync(string? src, string? dst, int? port, string? protocol, IGrainFactory grains)
    {
        var errors = new List<ValidationError>();
        var proto = protocol ?? "TCP";
        if (!Protocols.TryGetValue(proto, out var number))
            errors.Add(new ValidationError("protocol", $"'{proto}' is not one of TCP, UDP, SCTP, ICMP."));
        var hasPorts = number is 6 or 17 or 132;
        if (hasPorts && port is not (>= 1 and <= 65535))
            errors.Add(new ValidationError("port", port is null ? "port is required for TCP, UDP and SCTP (1-65535)." : $"{port} is not a port (1-65535)."));
        if (string.IsNullOrWhiteSpace(src))
            errors.Add(new ValidationError("src", "src is required: a workload id or an IP address."));
        if (string.IsNullOrWhiteSpace(dst))
            errors.Add(new ValidationError("dst", "dst is required: a workload id or an IP address."));
        if (errors.Count > 0)
            return ApiProblems.Invalid(errors);

        var workloads = await grains.GetGrain<IWorkloadIndexGrain>(GrainKeys.Cluster).GetAllAsync();
        var source = Resolve("src", src!, workloads, errors);
        var destination = Resolve("dst", dst!, workloads, errors);
        if (errors.Count > 0)
            return ApiProblems.Invalid(errors);
        var (srcAddress, dstAddress) = PickAddresses(source!, destination!, errors);
        if (errors.Count > 0)
            return ApiProblems.Invalid(errors);

        var p = (ushort)(hasPorts ? port!.Value : 0);
        // One evaluator decides for why, simulations and recommendations (Grains/Rules/RuleEvaluator).
        var (egress, ingress) = await grains.GetGrain<IConnectionExplainGrain>(0).ExplainAsync(new ConnectionQuery(
            source!.Workload?.Spec.Id, srcAddress.ToString(), destination!.Workload?.Spec.Id, dstAddress.ToString(), number, p));
        var denied = new[] { egress, ingress }.FirstOrDefault(v => v is { Allowed: false });
        var deciding = denied ?? new[] { ingress, egress }.FirstOrDefault(v => v is { Reason: "policy-allow" }) ?? ingress ?? egress;
        var what = $"{src} -> {dst} {proto.ToUpperInvariant()}{(hasPorts ? $"/{p}" : "")}";
        var summary = deciding is null
            ? $"{what}: allowed; neither end is an enforced workload."
            : $"{what}: {(denied is null ? "allowed" : "denied")} by {deciding.Workload}'s {deciding.Direction.ToString().ToLowerInvariant()} rules: "
              + (deciding.Rule is { } rule ? $"{deciding.Reason} ({rule})" : deciding.Reason)
              + (new[] { egress, ingress }.Any(v => v is { WouldDeny: true }) ? "; monitor mode lets it pass but reports it as would-deny" : "") + ".";
        return TypedResults.Ok(new WhyAnswer(denied is null ? "allowed" : "denied", summary,
            new WhyPeer(srcAddress.ToString(), source.Workload?.Spec.Id, source.Workload?.Spec.Node),
            new WhyPeer(dstAddress.ToString(), destination.Workload?.Spec.Id, destination.Workload?.Spec.Node),
            proto.ToUpperInvariant(), p, egress, ingress));
    }

    private sealed record Peer(WorkloadRecord? Workload, IPAddress? Address);

    private static Peer? Resolve(string field, string text, IReadOnlyList<WorkloadRecord> workloads, List<ValidationError> errors)
    {
        if (IPAddress.TryParse(text, out var address))
        {
            var holder = workloads.FirstOrDefault(w => w.Spec.Addresses.Any(a => IPAddress.TryParse(a, out var own) && own.Equals(address)));
            return new Peer(holder, address);
        }
        var workload = workloads.FirstOrDefault(w => w.Spec.Id == text);
        if (workload is null)
        {
            errors.Add(new ValidationError(field, $"'{text}' is neither a workload id nor an IP address."));
            return null;
        }
        return new Peer(workload, null);
    }

    /// <summary>The addresses the connection uses: given ones as they are, a workload's first address of the other end's family.</summary>
    private static (IPAddress Src, IPAddress Dst) PickAddresses(Peer src, Peer dst, List<ValidationError> errors)
    {
        var family = src.Address?.AddressFamily ?? dst.Address?.AddressFamily;
        IPAddress? Pick(string field, Peer peer)
        {
            if (peer.Address is { } given)
                return given;
            var choice = peer.Workload!.Spec.Addresses.Select(IPAddress.Parse).FirstOrDefault(a => family is null || a.AddressFamily == family);
            if (choice is null)
                errors.Add(new ValidationError(field, $"workload '{peer.Workload.Spec.Id}' has no {(family is null ? "" : family == System.Net.Sockets.AddressFamily.InterNetwork ? "IPv4 " : "IPv6 ")}address to connect with."));
            family ??= choice?.AddressFamily;
            return choice;
        }
        var s = Pick("src", src);
        var d = Pick("dst", dst);
        return (s ?? IPAddress.None, d ?? IPAddress.None);
    }
}
