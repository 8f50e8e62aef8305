using System.Collections.Concurrent;
using MicroSeg.Api.Security;
using MicroSeg.Grains.Interfaces.Access;
using MicroSeg.Grains.Interfaces.Flows;
using MicroSeg.Grains.Interfaces.Nodes;

namespace MicroSeg.Silo.Security.Certificates;

/// <summary>
/// Least privilege for grain clients that come through a gateway. TLS already proved they hold some certificate of
/// the cluster CA, but Orleans hands a grain no connection identity, so every client call must carry a
/// <see cref="CallerCredential"/> signed with its certificate's key. An agent's certificate names its node: it may
/// subscribe to, read and acknowledge only that node's rules and report only that node's flows. A certificate the CA
/// revoked (<see cref="CertificateRevocations"/>) is refused, whatever its role. An operator's
/// certificate may call any grain (an authenticated admin grain client). Calls made inside the silos (the REST API,
/// grain to grain) carry no credential and pass.
/// </summary>
internal sealed partial class CallerCredentialFilter(
    CallerAuthority authority, CertificateRevocations revocations, IGrainFactory grains, TimeProvider time, ILogger<CallerCredentialFilter> logger)
    : IIncomingGrainCallFilter
{
    /// <summary>Most verified credentials remembered (each is re-signed by its client about once a minute).</summary>
    private const int CacheLimit = 4096;

    private readonly ConcurrentDictionary<string, (string Role, string Name, string Serial, DateTimeOffset Expires)> _verified = new(StringComparer.Ordinal);

    public async Task Invoke(IIncomingGrainCallContext context)
    {
        // The credential is for this hop only: the grain's own calls must not carry the client's proof onwards.
        var credential = RequestContext.Get(CallerCredential.RequestContextKey) as string;
        if (credential is not null)
            RequestContext.Remove(CallerCredential.RequestContextKey);

        // Orleans fills in the sender of every request it makes (a grain, a system target, or the silo's hosted
        // client), so a request that names none was written by hand: it is refused rather than taken as in-silo.
        if (context.SourceId is null && !context.TargetId.IsSystemTarget())
        {
            LogRefused(logger, null, context.InterfaceName, context.MethodName, context.TargetId, "the request names no sender");
            throw new UnauthorizedAccessException("A grain call must name its sender.");
        }
        if (!IsGatewayClient(context.SourceId) || context.TargetId.IsSystemTarget())
        {
            await context.Invoke();
            return;
        }
        if (credential is null || Verify(credential) is not { } caller)
        {
            LogRefused(logger, context.SourceId, context.InterfaceName, context.MethodName, context.TargetId, "no valid credential");
            throw new UnauthorizedAccessException("A grain client must present a credential signed with a certificate of this cluster's CA.");
        }
        if (!IsAllowed(caller.Role, caller.Name, context))
        {
            LogRefused(logger, context.SourceId, context.InterfaceName, context.MethodName, context.TargetId, $"{caller.Role} '{caller.Name}'");
            throw new UnauthorizedAccessException($"The {caller.Role} '{caller.Name}' may not call {context.MethodName} on {context.TargetId}.");
        }
        // Changes a grain client makes go to the audit log like the API's, with the certificate as actor.
        await GrainClientAudit.InvokeAsync(context, caller.Role, caller.Name, grains, time);
    }

    /// <summary>What each role may call: an agent only its own node's grains and methods.</summary>
    internal static bool IsAllowed(string role, string name, IGrainCallContext context) => role switch
    {
        ClusterCertificate.Operator or ClusterCertificate.Silo => true,
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
