using Orleans;

namespace MicroSeg.Grains.Interfaces.Audit;

/// <summary>One change made through the API or by an operator's grain client: who, when, what, and the object before and after.</summary>
/// <param name="Time">When the change was stored.</param>
/// <param name="Actor">The API token that made it (its name), <c>oidc:&lt;user&gt;</c>, or <c>certificate:&lt;role&gt;/&lt;name&gt;</c> for a grain client.</param>
/// <param name="Action">The HTTP method and path of the request, or <c>grain &lt;interface&gt;.&lt;method&gt;</c> for a grain client.</param>
/// <param name="Kind">The kind of object changed (workload, policy, networkpolicy, namespace, settings, node, token).</param>
/// <param name="Id">The object's id.</param>
/// <param name="Before">The object before, as JSON; null when it was created.</param>
/// <param name="After">The object after, as JSON; null when it was removed.</param>
[GenerateSerializer, Immutable, Alias("microseg.AuditEntry")]
public sealed record AuditEntry(
    [property: Id(0)] DateTimeOffset Time,
    [property: Id(1)] string Actor,
    [property: Id(2)] string Action,
    [property: Id(3)] string Kind,
    [property: Id(4)] string Id,
    [property: Id(5)] string? Before,
    [property: Id(6)] string? After);
