using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MicroSeg.Grains.Interfaces.Access;

namespace MicroSeg.Silo.Security.Certificates;

/// <summary>
/// The cluster's own certificate authority: a self-signed ECDSA P-256 CA in <c>ca.crt</c>/<c>ca.key</c> (PEM) that
/// issues silo, agent and operator certificates. Only System.Security.Cryptography does the cryptography.
/// </summary>
internal sealed class ClusterAuthority
{
    public const string CertificateFile = "ca.crt";
    public const string KeyFile = "ca.key";

    /// <summary>How long the CA is valid: 10 years. Certificates it issues: 2 years, or less than what is left of it.</summary>
    private static readonly TimeSpan AuthorityLifetime = TimeSpan.FromDays(3650);
    private static readonly TimeSpan IssuedLifetime = TimeSpan.FromDays(730);

    private readonly X509Certificate2 _authority;

    private ClusterAuthority(X509Certificate2 authority) => _authority = authority;

    public X509Certificate2 Certificate => _authority;

    /// <summary>Loads the CA from <paramref name="directory"/>, creating it first when neither of its files exists.</summary>
    public static ClusterAuthority OpenOrCreate(string directory, TimeProvider time)
    {
        var certificate = Path.Combine(directory, CertificateFile);
        var key = Path.Combine(directory, KeyFile);
        if (File.Exists(certificate) || File.Exists(key))
            return new ClusterAuthority(X509Certificate2.CreateFromPemFile(certificate, key));

        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(
            new X500DistinguishedName($"CN=microseg cluster CA, O={ClusterCertificate.Organization}"), ecdsa, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = time.GetUtcNow();
        var authority = request.CreateSelfSigned(now.AddMinutes(-5), now + AuthorityLifetime);
        Directory.CreateDirectory(directory);
        PemFiles.WritePrivate(key, ecdsa.ExportPkcs8PrivateKeyPem());
        PemFiles.WritePublic(certificate, authority.ExportCertificatePem());
        return new ClusterAuthority(authority);
    }

    /// <summary>
    /// Issues a certificate for <paramref name="role"/> <paramref name="name"/>, usable for TLS as server and client,
    /// with <paramref name="addresses"/> and <paramref name="dnsNames"/> as subject alternative names (besides the name).
    /// </summary>
    public X509Certificate2 Issue(string role, string name, IEnumerable<IPAddress> addresses, IEnumerable<string> dnsNames, TimeProvider time)
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var subject = new X500DistinguishedNameBuilder();
        subject.AddOrganizationName(ClusterCertificate.Organization);
        subject.AddOrganizationalUnitName(role);
        subject.AddCommonName(name);
        var request = new CertificateRequest(subject.Build(), ecdsa, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false)); // server and client authentication
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(name);
        foreach (var dns in dnsNames)
            names.AddDnsName(dns);
        foreach (var address in addresses)
            names.AddIpAddress(address);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(_authority, true, false));

        var now = time.GetUtcNow();
        var notAfter = now + IssuedLifetime < _authority.NotAfter ? now + IssuedLifetime : new DateTimeOffset(_authority.NotAfter);
        using var issued = request.Create(_authority, now.AddMinutes(-5), notAfter, RandomNumberGenerator.GetBytes(16));
        return issued.CopyWithPrivateKey(ecdsa);
    }

    /// <summary>Writes <paramref name="certificate"/> as <c>&lt;stem&gt;.crt</c> and its key as <c>&lt;stem&gt;.key</c> (0600), and the CA certificate beside them.</summary>
    public void Write(X509Certificate2 certificate, string directory, string stem)
    {
        Directory.CreateDirectory(directory);
        using var key = certificate.GetECDsaPrivateKey() ?? throw new InvalidOperationException("The issued certificate has no private key.");
        PemFiles.WritePrivate(Path.Combine(directory, stem + ".key"), key.ExportPkcs8PrivateKeyPem());
        PemFiles.WritePublic(Path.Combine(directory, stem + ".crt"), certificate.ExportCertificatePem());
        var ca = Path.Combine(directory, CertificateFile);
        if (!File.Exists(ca))
            PemFiles.WritePublic(ca, _authority.ExportCertificatePem());
    }
}
