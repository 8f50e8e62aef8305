using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace MicroSeg.Cli.Connection;

/// <summary>
/// HTTPS to a silo whose certificate the cluster CA issued (<c>microseg-silo certs</c>): only that CA is trusted, not
/// the machine's store, and the server's name must still match the certificate.
/// </summary>
internal static class ClusterCaTrust
{
    /// <summary>Reads the CA certificate (PEM or DER); the error names the file and the setting.</summary>
    public static X509Certificate2 Load(string path)
    {
        try
        {
            var certificate = X509CertificateLoader.LoadCertificateFromFile(path);
            if (certificate.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault() is not { CertificateAuthority: true })
                throw new CliException($"ca-file: {path} is not a CA certificate (use the cluster's ca.crt).");
            return certificate;
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new CliException($"ca-file: cannot read a certificate from {path}: {e.Message}");
        }
    }

    /// <summary>A handler that accepts a server certificate only when it chains to <paramref name="authority"/> and names the server.</summary>
    public static SocketsHttpHandler Handler(X509Certificate2 authority) => new()
    {
        SslOptions =
        {
            RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
            {
                // The name check stays; chain errors are expected (the CA is not in the machine store) and decided below.
                if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None)
                    return false;
                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(authority);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                using var server = new X509Certificate2(certificate);
                if (!chain.Build(server))
                    return false;
                return chain.ChainElements[^1].Certificate.RawDataMemory.Span.SequenceEqual(authority.RawDataMemory.Span);
            },
        },
    };
}
