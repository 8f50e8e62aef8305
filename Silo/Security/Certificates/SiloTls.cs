using System.Net;
using System.Security.Cryptography.X509Certificates;
using MicroSeg.Grains.Interfaces.Access;
using MicroSeg.Silo.Hosting;
using Orleans.Configuration;
using Orleans.Connections.Security;

namespace MicroSeg.Silo.Security.Certificates;

/// <summary>
/// TLS with mutual certificate authentication on the silo port (silos only) and the gateway port (silos, agents,
/// operators), all issued by the cluster CA; the REST API uses the same certificate when its URL is https.
/// </summary>
internal sealed class SiloTls
{
    public const string SiloStem = "silo";
    public const string AgentStem = "agent";

    /// <summary>How long a peer may take to finish its TLS handshake before the connection is closed.</summary>
    internal static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(5);

    private SiloTls(X509Certificate2 authority, ReloadingCertificate certificate, CertificateRevocations revocations)
    {
        Authority = authority;
        Certificate = certificate;
        Revocations = revocations;
    }

    public X509Certificate2 Authority { get; }

    /// <summary>The silo's own certificate, read again when its files change (rotation without a restart).</summary>
    public ReloadingCertificate Certificate { get; }

    /// <summary>The certificate the silo presents now.</summary>
    public X509Certificate2 Silo => Certificate.Current;

    /// <summary>The certificates the CA revoked (<c>revoked.list</c> in the TLS directory): refused at the handshake and on every call.</summary>
    public CertificateRevocations Revocations { get; }

    /// <summary>
    /// The silo's certificates from <c>--tls-dir</c>. The embedded silo creates the CA, its own certificate and the
    /// local agent's on first start (as k3s does); a cluster member needs them issued beforehand.
    /// </summary>
    public static SiloTls Load(SiloCommandOptions options, TimeProvider time)
    {
        var directory = Path.GetFullPath(options.TlsDirectory ?? Path.Combine(options.Data, "tls"));
        var siloCertificate = Path.Combine(directory, SiloStem + ".crt");
        var siloKey = Path.Combine(directory, SiloStem + ".key");
        var caCertificate = Path.Combine(directory, ClusterAuthority.CertificateFile);
        if (options.Postgres is null && !File.Exists(siloCertificate) && !File.Exists(caCertificate))
        {
            var authority = ClusterAuthority.OpenOrCreate(directory, time);
            using var silo = authority.Issue(ClusterCertificate.Silo, options.Name, [IPAddress.Loopback, IPAddress.IPv6Loopback], ["localhost"], time);
            authority.Write(silo, directory, SiloStem);
            using var agent = authority.Issue(ClusterCertificate.Agent, options.LocalNode, [], [], time);
            authority.Write(agent, directory, AgentStem);
        }
        foreach (var file in new[] { caCertificate, siloCertificate, siloKey })
        {
            if (!File.Exists(file))
                throw new InvalidOperationException(
                    $"--tls-dir '{directory}' has no {Path.GetFileName(file)}. Issue the silo's certificate with " +
                    $"'microseg-silo certs issue --ca-dir <CA dir> --role silo --name {options.Name} --address <IP> --out {directory}', or run with --no-tls.");
        }
        var ca = X509CertificateLoader.LoadCertificateFromFile(caCertificate);
        CertificateRevocations revocations;
        try
        {
            revocations = CertificateRevocations.Load(directory, ca);
        }
        catch (FormatException e)
        {
            throw new InvalidOperationException($"{Path.Combine(directory, RevocationList.FileName)}: {e.Message} Write it with 'microseg-silo certs revoke'.", e);
        }
        // The same check at start and for every rotated pair: a silo certificate of this CA, valid now, not revoked.
        var certificate = new ReloadingCertificate(siloCertificate, siloKey, c =>
            !ClusterCertificate.IsTrusted(c, ca, ClusterCertificate.Silo) ? $"{siloCertificate} is not a silo certificate issued by {caCertificate} and valid now."
            : revocations.IsRevoked(c) ? $"{siloCertificate} (serial {c.SerialNumber}) is revoked in {revocations.Path}; issue the silo a new certificate."
            : null, time);
        return new SiloTls(ca, certificate, revocations);
    }

    /// <summary>
    /// Puts TLS on every Orleans link of <paramref name="silo"/>, the credential check on every client call, and the
    /// cluster's <paramref name="proof"/> on every call a silo makes to a grain (the check that a sender claiming to be
    /// inside the cluster is).
    /// </summary>
    public void Configure(ISiloBuilder silo, ClusterCallProof proof)
    {
        var fromSilos = Options(ClusterCertificate.Silo);
        var fromClients = Options(ClusterCertificate.Silo, ClusterCertificate.Agent, ClusterCertificate.Operator);
        silo.Configure<SiloConnectionOptions>(o =>
        {
            o.ConfigureSiloInboundConnection(connection => connection.UseServerTls(fromSilos));
            o.ConfigureSiloOutboundConnection(connection => connection.UseClientTls(fromSilos));
            o.ConfigureGatewayInboundConnection(connection => connection.UseServerTls(fromClients));
        });
        silo.Services.AddSingleton(new CallerAuthority(Authority));
        silo.Services.AddSingleton(Revocations);
        silo.Services.AddSingleton(Certificate);
        silo.Services.AddSingleton(proof);
        silo.AddIncomingGrainCallFilter<CallerCredentialFilter>();
        silo.AddOutgoingGrainCallFilter<ClusterCallProofFilter>();
    }

    private TlsOptions Options(params string[] peerRoles) => new()
    {
        // The certificate at start (Orleans' client side requires one), then whatever the files hold at each handshake.
        LocalCertificate = Silo,
        LocalServerCertificateSelector = (_, _) => Certificate.Current,
        LocalClientCertificateSelector = (_, _, _, _, _) => Certificate.Current,
        RemoteCertificateMode = RemoteCertificateMode.RequireCertificate,
        ClientCertificateMode = RemoteCertificateMode.RequireCertificate,
        // Our CA only, not the machine's trust store; peers are addressed by IP, so the role and the CA decide, not a host name.
        RemoteCertificateValidation = (certificate, _, _) => ClusterCertificate.IsTrusted(certificate, Authority, peerRoles) && !Revocations.IsRevoked(certificate),
        HandshakeTimeout = HandshakeTimeout,
    };
}
