using System.Text.Json.Nodes;
using MicroSeg.Api.Problems;
using MicroSeg.Api.Security;
using MicroSeg.Grains.Interfaces.Audit;
using MicroSeg.Grains.Interfaces.Validation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Orleans;

namespace MicroSeg.Api.Endpoints;

/// <summary>An audit entry as the API shows it: before and after as JSON objects.</summary>
public sealed record AuditView(DateTimeOffset Time, string Actor, string Action, string Kind, string Id, JsonNode? Before, JsonNode? After);

/// <summary>/api/v1/audit: every change made through the API, for admins.</summary>
internal static class AuditEndpoints
{
    /// <summary>The longest period one read may cover (one index grain per minute is read).</summary>
    internal static readonly TimeSpan MaxPeriod = TimeSpan.FromDays(1);

    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/audit", ListAsync).WithTags("Audit").WithName("ListAudit").RequireAuthorization(ApiPolicies.Admin)
            .WithSummary("Changes (who, when, what, before/after) from ?since= (default one hour ago) to ?until= (default now), oldest first; at most 24 hours per read.");

    /// <summary>
    /// How many slot grains one read asks at once. A busy hour has up to 36,000 slots (a tenth of a second each), and
    /// asking them all at once queued the calls in front of every other message of the silo.
    /// </summary>
    internal const int ReadSlice = 256;

    private static async Task<Results<Ok<AuditView[]>, ProblemHttpResult>> ListAsync(DateTimeOffset? since, DateTimeOffset? until, IGrainFactory grains, TimeProvider time)
    {
        var to = until ?? time.GetUtcNow();
        var from = since ?? to - TimeSpan.FromHours(1);
        if (from > to || to - from > MaxPeriod)
            return ApiProblems.Invalid([new ValidationError("since", $"the period {from:O} to {to:O} must be positive and at most {MaxPeriod.TotalHours:0} hours.")]);
        var slots = await Task.WhenAll(AuditKeys.Minutes(from, to).Select(m => grains.GetGrain<IAuditMinuteGrain>(m).GetSecondsAsync()));
        var entries = new List<IReadOnlyList<AuditEntry>>();
        foreach (var slice in slots.SelectMany(s => s).Chunk(ReadSlice))
            entries.AddRange(await Task.WhenAll(slice.Select(s => grains.GetGrain<IAuditLogGrain>(s).GetAsync())));
        return TypedResults.Ok(entries.SelectMany(e => e)
            .Where(e => e.Time >= from && e.Time <= to)
            .Select(e => new AuditView(e.Time, e.Actor, e.Action, e.Kind, e.Id, Parse(e.Before), Parse(e.After)))
            .ToArray());
    }

    private static JsonNode? Parse(string? json) => json is null ? null : JsonNode.Parse(json);
}
