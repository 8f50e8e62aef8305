using System.Text.Json;
using MicroSeg.Api.Json;
using MicroSeg.Grains.Interfaces.Audit;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Orleans;

namespace MicroSeg.Api.Security;

/// <summary>Records a change made through the API in the audit log, after the change is stored and before it is answered.</summary>
internal static class AuditTrail
{
    public static Task RecordAsync(HttpContext context, IGrainFactory grains, string kind, string id, object? before, object? after)
    {
        var time = context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
        var entry = new AuditEntry(time, context.User.Identity?.Name ?? "anonymous", $"{context.Request.Method} {context.Request.Path}",
            kind, id, Serialize(before), Serialize(after));
        return grains.GetGrain<IAuditLogGrain>(AuditKeys.Hour(time)).AppendAsync(entry);
    }

    private static string? Serialize(object? value) => value is null ? null : JsonSerializer.Serialize(value, value.GetType(), ApiJson.Options);
}
