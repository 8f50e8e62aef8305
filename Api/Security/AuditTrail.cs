using System.Text.Json;
using MicroSeg.Api.Json;
using MicroSeg.Grains.Interfaces.Audit;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Orleans;

namespace MicroSeg.Api.Security;

/// <summary>One object's change, for the audit log: its kind, id, and the object before and after (null when absent).</summary>
internal sealed record AuditedChange(string Kind, string Id, object? Before, object? After);

/// <summary>Records the changes a request made in the audit log, after they are stored and before the request is answered.</summary>
internal static class AuditTrail
{
    public static Task RecordAsync(HttpContext context, IGrainFactory grains, string kind, string id, object? before, object? after) =>
        RecordAsync(context, grains, [new AuditedChange(kind, id, before, after)]);

    public static Task RecordAsync(HttpContext context, IGrainFactory grains, IReadOnlyList<AuditedChange> changes)
    {
        var time = context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
        var actor = context.User.Identity?.Name ?? "anonymous";
        var action = $"{context.Request.Method} {context.Request.Path}";
        var entries = changes.Select(c => new AuditEntry(time, actor, action, c.Kind, c.Id, Serialize(c.Before), Serialize(c.After))).ToList();
        return grains.GetGrain<IAuditLogGrain>(AuditKeys.Slot(time)).AppendAsync(entries);
    }

    private static string? Serialize(object? value) => value is null ? null : JsonSerializer.Serialize(value, value.GetType(), ApiJson.Options);
}
