using System.Text.Json;
using MicroSeg.Api.Endpoints;
using MicroSeg.Api.Json;
using MicroSeg.Grains.Interfaces.Access;
using MicroSeg.Grains.Interfaces.Audit;
using MicroSeg.Grains.Interfaces.Namespaces;
using MicroSeg.Grains.Interfaces.Nodes;
using MicroSeg.Grains.Interfaces.Policies;
using MicroSeg.Grains.Interfaces.Settings;
using MicroSeg.Grains.Interfaces.Workloads;
using Orleans;

namespace MicroSeg.Api.Security;

/// <summary>
/// The audit log for changes that an authenticated grain client (an operator certificate, docs/grain-client.md) makes
/// directly through grains rather than through the API: workloads, policies, namespaces, the enforcement settings, API
/// tokens and a node's held state, recorded like the API's own entries (the same views as JSON, before and after), with
/// the certificate as actor.
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
        var before = audited.Read is null ? null : Serialize(await audited.Read(context));
        await context.Invoke();
        string? after;
        if (audited.FromResult is { } fromResult)
        {
            // A change whose record is what the call returned (a node's accepted hold), as the API records it.
            if (fromResult(context.Result) is not { } changed)
                return;
            after = Serialize(changed);
        }
        else
        {
            after = Serialize(await audited.Read!(context));
            if (before == after && !audited.AlwaysChanges)
                return;
        }
        var now = time.GetUtcNow();
        var entry = new AuditEntry(now, $"{ActorPrefix}{role}/{name}", $"grain {context.InterfaceMethod.DeclaringType?.Name}.{context.MethodName}",
            audited.Kind, audited.Id, before, after);
        await grains.GetGrain<IAuditLogGrain>(AuditKeys.Slot(now)).AppendAsync([entry]);
    }

    /// <param name="Kind">The audit entry's kind, as the API records it.</param>
    /// <param name="Id">The object's id.</param>
    /// <param name="Read">Reads the object on the grain, before and after the call; null when <paramref name="FromResult"/> makes the entry.</param>
    /// <param name="AlwaysChanges">The call changes what no view shows (a token's secret), so it is recorded even when the views are equal.</param>
    /// <param name="FromResult">Makes the "after" of the entry from the call's result; null from it means nothing changed.</param>
    private sealed record Audited(string Kind, string Id, Func<IIncomingGrainCallContext, Task<object?>>? Read,
        bool AlwaysChanges = false, Func<object?, object?>? FromResult = null);

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
        if (type == typeof(IApiTokenGrain) && method is nameof(IApiTokenGrain.CreateAsync) or nameof(IApiTokenGrain.PutBootstrapAsync) or nameof(IApiTokenGrain.RevokeAsync))
        {
            var tokenName = context.Request.GetArgument(0) switch
            {
                ApiToken token => token.Name,
                string text => text,
                _ => null,
            };
            if (tokenName is not null)
                return new Audited("token", tokenName, async c => (await ((IApiTokenGrain)c.Grain).ListAsync()).FirstOrDefault(t => t.Name == tokenName) is { } token ? TokenView.From(token) : null,
                    AlwaysChanges: method == nameof(IApiTokenGrain.PutBootstrapAsync));
        }
        if (type == typeof(INodeGrain) && method is nameof(INodeGrain.AcceptControlPlaneAsync))
            return new Audited("node", key, Read: null, FromResult: result => result is ControlPlaneHold hold ? new { acceptedHold = hold } : null);
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
