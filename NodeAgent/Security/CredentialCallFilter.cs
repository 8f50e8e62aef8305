using System.Security.Cryptography.X509Certificates;
using MicroSeg.Grains.Interfaces.Access;
using Microsoft.Extensions.Logging;
using Orleans;
using Orleans.Runtime;

namespace MicroSeg.NodeAgent.Security;

/// <summary>
/// Puts this node's signed credential on every grain call the agent makes; re-signed well before it expires, and at
/// once with the new certificate when the certificate files were rotated.
/// </summary>
internal sealed partial class CredentialCallFilter : IOutgoingGrainCallFilter
{
    private static readonly TimeSpan RenewAfter = CallerCredential.Lifetime / 5;
    private readonly AgentTls _tls;
    private readonly TimeProvider _time;
    // A reference, swapped whole: calls on several threads read it without a lock and never see half of one.
    private Signed? _current;

    public CredentialCallFilter(AgentTls tls, TimeProvider time, ILogger<CredentialCallFilter> logger)
    {
        _tls = tls;
        _time = time;
        tls.Files.Rotated += certificate => LogRotated(logger, tls.Files.CertificateFile, certificate.SerialNumber, certificate.NotAfter);
        tls.Files.Refused += reason => LogRefusedFiles(logger, reason);
    }

    public Task Invoke(IOutgoingGrainCallContext context)
    {
        var now = _time.GetUtcNow();
        var certificate = _tls.Certificate;
        var current = _current;
        if (current is null || now - current.At > RenewAfter || now < current.At || !ReferenceEquals(current.Certificate, certificate))
            _current = current = new Signed(CallerCredential.Create(certificate, now), now, certificate);
        RequestContext.Set(CallerCredential.RequestContextKey, current.Value);
        return context.Invoke();
    }

    private sealed record Signed(string Value, DateTimeOffset At, X509Certificate2 Certificate);

    [LoggerMessage(EventId = 3901, Level = LogLevel.Information, Message = "Certificate {Path} rotated: new connections and credentials use serial {Serial}, valid until {NotAfter}")]
    private static partial void LogRotated(ILogger logger, string path, string serial, DateTime notAfter);

    [LoggerMessage(EventId = 3902, Level = LogLevel.Error, Message = "New certificate files not used, keeping the current certificate: {Reason}")]
    private static partial void LogRefusedFiles(ILogger logger, string reason);
}
