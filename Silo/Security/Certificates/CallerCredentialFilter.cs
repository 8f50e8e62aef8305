using System.Collections.Concurrent;
using MicroSeg.Api.Security;
using MicroSeg.Grains.Interfaces.Access;
using MicroSeg.Grains.Interfaces.Addresses;
using MicroSeg.Grains.Interfaces.Audit;
using MicroSeg.Grains.Interfaces.Flows;
using MicroSeg.Grains.Interfaces.Identity;
using MicroSeg.Grains.Interfaces.Nodes;
using MicroSeg.Grains.Interfaces.Policies;
using MicroSeg.Grains.Interfaces.Workloads;

namespace MicroSeg.Silo.Security.Certificates;

/// <summary>
/// Least privilege for grain clients that come through a gateway. TLS already proved they hold some certificate of
/// the cluster CA, but Orleans hands a grain no connection identity, so every client call must carry a
/// <see cref="CallerCredential"/> signed with its certificate's key. An agent's certificate names its node: it may
/// subscribe to, read and acknowledge only that node's rules and report only that node's flows. A certificate the CA
/// revoked (<see cref="CertificateRevocations"/>) is refused, whatever its role. An operator's
/// certificate (an authenticated admin grain client) may call any grain, but only read the derived state (<see cref="DerivedState"/>). Calls made inside the silos (the REST API,
/// grain to grain, reminders, streams) carry no credential; they pass when they carry the <see cref="ClusterCallProof"/>.
/// </summary>
internal sealed partial class CallerCredentialFilter(
    CallerAuthority authority, CertificateRevocations revocations, ClusterCallProof proof, IGrainFactory grains, TimeProvider time, ILogger<CallerCredentialFilter> logger)
    : IIncomingGrainCallFilter
{
    /// <summary>Most verified credentials remembered (each is re-signed by its client about once a minute).</summary>
    private const int CacheLimit = 4096;

    private readonly ConcurrentDictionary<string, (string Role, string Name, string Serial, DateTimeOffset Expires)> _verified = new(StringComparer.Ordinal);

    public async Task Invoke(IIncomingGrainCallContext context)
    {
        // Both proofs are for this hop only: the grain's own calls must not carry the client's credential onwards, and
        // grain code never sees the cluster's secret (its outgoing calls get it again from ClusterCallProofFilter).
        var credential = Take(CallerCredential.RequestContextKey) as string;
        var clusterProof = Take(ClusterCallProof.RequestContextKey);

        // Orleans' own services (membership, directory, silo control, ...) take calls from silos, which prove it like any
        // in-cluster sender below; a gateway client may reach only the two that Orleans' client itself calls.
        if (context.TargetId.IsSystemTarget() && context.SourceId is { } client && IsGatewayClient(client))
        {
            if (!ClientSystemTargets.Contains(context.TargetId.Type))
            {
                LogRefused(logger, client, context.InterfaceName, context.MethodName, context.TargetId, "a gateway client calling a silo service");
                throw new UnauthorizedAccessException($"A grain client may not call {context.MethodName} on {context.TargetId}.");
            }
            await context.Invoke();
            return;
        }
        // Orleans fills in the sender of every request it makes (a grain, a system target, or the silo's hosted
        // client), so a request that names none was written by hand: it is refused rather than taken as in-silo.
        if (context.SourceId is not { } source)
        {
            LogRefused(logger, null, context.InterfaceName, context.MethodName, context.TargetId, "the request names no sender");
            throw new UnauthorizedAccessException("A grain call must name its sender.");
        }
        if (!IsGatewayClient(source))
        {
            // A sender inside the cluster (a grain, a system target, a silo's hosted client, which runs the REST API)
            // proves it with the secret only silos hold: a gateway client can write any sender id in its messages.
            // A grain timer's tick is a message Orleans makes in this silo for the grain itself, without a proof.
            if (!proof.Matches(clusterProof) && !IsTimerTick(context))
            {
                LogRefused(logger, source, context.InterfaceName, context.MethodName, context.TargetId, "an in-cluster sender without the cluster's proof");
                throw new UnauthorizedAccessException($"A call from {source} must come from inside the cluster.");
            }
            await context.Invoke();
            return;
        }
        if (credential is null || Verify(credential) is not { } caller)
        {
            LogRefused(logger, source, context.InterfaceName, context.MethodName, context.TargetId, "no valid credential");
            throw new UnauthorizedAccessException("A grain client must present a credential signed with a certificate of this cluster's CA.");
        }
        if (!IsAllowed(caller.Role, caller.Name, context))
        {
            LogRefused(logger, source, context.InterfaceName, context.MethodName, context.TargetId, $"{caller.Role} '{caller.Name}'");
            throw new UnauthorizedAccessException($"The {caller.Role} '{caller.Name}' may not call {context.MethodName} on {context.TargetId}.");
        }
        // Changes a grain client makes go to the audit log like the API's, with the certificate as actor.
        await GrainClientAudit.InvokeAsync(context, caller.Role, caller.Name, grains, time);
    }

    /// <summary>
    /// The invokable Orleans' grain timers deliver their ticks with (<c>GrainTimer.TimerTickInvoker</c>, made only inside
    /// the silo and without a serializer, so no message from outside can carry one). Orleans 8.2 and later run ticks
    /// through the incoming filters like calls, with the grain as its own sender.
    /// </summary>
    internal static readonly Type TimerTickType = Type.GetType("Orleans.Runtime.GrainTimer+TimerTickInvoker, Orleans.Runtime", throwOnError: true)!;

    internal static bool IsTimerTick(IIncomingGrainCallContext context) =>
        context.Request.GetType() == TimerTickType && context.SourceId == context.TargetId;

    private static object? Take(string key)
    {
        var value = RequestContext.Get(key);
        if (value is not null)
            RequestContext.Remove(key);
        return value;
    }

    /// <summary>
    /// The silo services Orleans' client calls through its gateway: the cluster manifest (which grain types exist, read
    /// at connection) and call cancellation; and Orleans.TestingHost's test hooks, which its client reads while a test
    /// cluster starts and which only silos built by Orleans.TestingHost have. Everything else (membership, directory,
    /// silo control, catalog, streams' agents) is for silos only.
    /// </summary>
    internal static readonly HashSet<GrainType> ClientSystemTargets =
    [
        SystemTargetGrainId.CreateGrainType("manifest"),
        SystemTargetGrainId.CreateGrainType("canceler"),
        SystemTargetGrainId.CreateGrainType("test.hooks"),
    ];

    /// <summary>
    /// Grains that keep what the cluster derives from its workloads, policies and traffic (indexes, identities, address
    /// claims, flow records) and the audit log: only grains change them. An operator's grain client (an admin) changes
    /// workloads, policies and settings through their own grains, as the API does; through these it could enforce what
    /// no API view shows, or rewrite the audit log. It may read them.
    /// </summary>
    internal static readonly HashSet<Type> DerivedState =
    [
        typeof(IWorkloadIndexGrain), typeof(IWorkloadIndexShardGrain), typeof(IPolicyIndexGrain), typeof(INodeIndexGrain),
        typeof(IIdentityAllocatorGrain), typeof(IIdentityHolderShardGrain), typeof(IAddressClaimGrain), typeof(IPolicyFanoutGrain),
        typeof(IAuditLogGrain), typeof(IAuditMinuteGrain), typeof(IEdgeGrain), typeof(ITopologyIndexGrain), typeof(IFlowHistoryGrain),
    ];

    private static bool IsRead(string method) =>
        method.StartsWith("Get", StringComparison.Ordinal) || method.StartsWith("Find", StringComparison.Ordinal)
        || method.StartsWith("Query", StringComparison.Ordinal) || method.StartsWith("List", StringComparison.Ordinal);

    /// <summary>What each role may call: an agent only its own node's grains and methods; an operator any grain but the derived state's changes.</summary>
    internal static bool IsAllowed(string role, string name, IGrainCallContext context) => role switch
    {
        ClusterCertificate.Operator => !DerivedState.Contains(context.InterfaceMethod.DeclaringType!) || IsRead(context.MethodName),
        ClusterCertificate.Silo => true,
        ClusterCertificate.Agent => context.TargetId.Key.ToString() == name && (
            (context.InterfaceMethod.DeclaringType == typeof(INodeGrain) && context.MethodName is nameof(INodeGrain.SubscribeAsync) or nameof(INodeGrain.AcknowledgeAsync) or nameof(INodeGrain.GetRulesAsync))
            || (context.InterfaceMethod.DeclaringType == typeof(IFlowIngestGrain) && context.MethodName is nameof(IFlowIngestGrain.ReportAsync))),
        _ => false,
    };

    /// <summary>
    /// A client connected through a gateway. The REST API runs in the silo as Orleans' hosted client
    /// ("hosted-&lt;silo address&gt;"), which is trusted like a grain.
    /// </summary>
    private static bool IsGatewayClient(GrainId? source) =>
        source is { } id && id.IsClient() && !id.Key.AsSpan().StartsWith("hosted-"u8);

    private (string Role, string Name)? Verify(string credential)
    {
        var now = time.GetUtcNow();
        // Revocation is checked on every call, remembered credentials included: a revoked certificate stops at once.
        if (_verified.TryGetValue(credential, out var known) && known.Expires > now)
            return revocations.IsRevokedNormalized(known.Serial) ? null : (known.Role, known.Name);
        using var certificate = CallerCredential.Verify(credential, now);
        if (certificate is null || !ClusterCertificate.IsTrusted(certificate, authority.Certificate, ClusterCertificate.Agent, ClusterCertificate.Operator, ClusterCertificate.Silo)
            || revocations.IsRevoked(certificate) || ClusterCertificate.Holder(certificate) is not { } holder)
            return null;
        if (_verified.Count >= CacheLimit)
            _verified.Clear();
        // Remembered until the credential would be too old anyway, so the cache never extends its life.
        var signed = DateTimeOffset.FromUnixTimeSeconds(long.Parse(credential.Split('.')[2], System.Globalization.CultureInfo.InvariantCulture));
        var expires = signed + CallerCredential.Lifetime;
        if (certificate.NotAfter < expires)
            expires = certificate.NotAfter;
        _verified[credential] = (holder.Role, holder.Name, RevocationList.NormalizeSerial(certificate.SerialNumber)!, expires);
        return holder;
    }

    [LoggerMessage(EventId = 1510, Level = LogLevel.Warning, Message = "Refused grain call from {Source} to {Interface}.{Method} on {Target}: {Reason}")]
    private static partial void LogRefused(ILogger logger, GrainId? source, string @interface, string method, GrainId target, string reason);
}
