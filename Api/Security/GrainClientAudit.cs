using System.Text.Json;
using MicroSeg.Api.Endpoints;
using MicroSeg.Api.Json;
using MicroSeg.Grains.Interfaces.Audit;
using MicroSeg.Grains.Interfaces.Namespaces;
using MicroSeg.Grains.Interfaces.Policies;
using MicroSeg.Grains.Interfaces.Settings;
using MicroSeg.Grains.Interfaces.Workloads;
using Orleans;

namespace MicroSeg.Api.Security;

/// <summary>
/// The audit log for changes that an authenticated grain client (an operator certificate, docs/grain-client.md) makes
/// directly through grains rather than through the API: workloads, policies, namespaces and the enforcement settings,
/// recorded like the API's own entries (the same views as JSON, before and after), with the certificate as actor.
/// The silo's caller-credential filter calls it for gateway clients only, so API requests, which Orleans runs as the
/// silo's hosted client, are never recorded twice.
/// </summary>
public static class GrainClientAudit
{
    /// <summary>Actor prefix of grain-client entries: <c>certificate:&lt;role&gt;/&lt;name&gt;</c>.</summary>
    public const string ActorPrefix = "certificate:";

    /// <summary>
    /// Runs the call; when it is a change this class audits and the object differs afterwards, appends an entry
    /// (actor, <c>grain IWorkloadGrain.SetAsync</c>, kind, id, before, after) once the change is stored. The object is
    /// read on the grain itself, in the call's own turn, so nothing else can change it in between.
    /// </summary>
    public static async Task InvokeAsync(IIncomingGrainCallContext context, string role, string name, IGrainFactory grains, TimeProvider time)
    {
        if (Find(context) is not { } audited)
        {
            await context.Invoke();
            return;
        }
        var before = Serialize(await audited.Read(context));
        await context.Invoke();
        var after = Serialize(await audited.Read(context));
        if (before == after)
            return;
        var now = time.GetUtcNow();
        var entry = new AuditEntry(now, $"{ActorPrefix}{role}/{name}", $"grain {context.InterfaceMethod.DeclaringType?.Name}.{context.MethodName}",
            audited.Kind, audited.Id, before, after);
        await grains.GetGrain<IAuditLogGrain>(AuditKeys.Second(now)).AppendAsync([entry]);
    }

    private sealed record Audited(string Kind, string Id, Func<IIncomingGrainCallContext, Task<object?>> Read);

    /// <summary>The changing methods of the audited grains; every other call passes unrecorded.</summary>
    private static Audited? Find(IIncomingGrainCallContext context)
    {
        var type = context.InterfaceMethod.DeclaringType;
        var key = context.TargetId.Key.ToString()!;
        var method = context.MethodName;
        if (type == typeof(IWorkloadGrain) && method is nameof(IWorkloadGrain.CreateAsync) or nameof(IWorkloadGrain.SetAsync) or nameof(IWorkloadGrain.DeleteAsync))
            return new Audited("workload", key, async c => await ((IWorkloadGrain)c.Grain).GetAsync() is { } record ? WorkloadView.From(record) : null);
        if (type == typeof(IPolicyGrain) && method is nameof(IPolicyGrain.CreateAsync) or nameof(IPolicyGrain.SetAsync) or nameof(IPolicyGrain.ApplyBatchAsync) or nameof(IPolicyGrain.DeleteAsync))
            return new Audited("policy", key, async c => await ((IPolicyGrain)c.Grain).GetAsync());
        if (type == typeof(IEnforcementSettingsGrain) && method is nameof(IEnforcementSettingsGrain.SetAsync))
            return new Audited("settings", "enforcement", async c => await ((IEnforcementSettingsGrain)c.Grain).GetAsync());
        if (type == typeof(INamespaceIndexGrain) && method is nameof(INamespaceIndexGrain.SetAsync) or nameof(INamespaceIndexGrain.RemoveAsync))
        {
            var namespaceName = context.Request.GetArgument(0) switch
            {
                NamespaceSpec spec => spec.Name,
                string text => text,
                _ => null,
            };
            if (namespaceName is not null)
                return new Audited("namespace", namespaceName, async c => await ((INamespaceIndexGrain)c.Grain).GetAsync(namespaceName));
        }
        return null;
    }

    private static string? Serialize(object? value) => value is null ? null : JsonSerializer.Serialize(value, value.GetType(), ApiJson.Options);
}
