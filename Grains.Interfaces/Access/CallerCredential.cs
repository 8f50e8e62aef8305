using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace MicroSeg.Grains.Interfaces.Access;

/// <summary>
/// A grain client's proof of who it is, carried in the Orleans request context of each call it makes through a
/// gateway. Orleans does not tie a call to the TLS connection it arrived on (a grain call filter cannot see the
/// peer's certificate), so the client signs a short statement with its certificate's private key:
/// <c>v1.&lt;certificate&gt;.&lt;unix seconds&gt;.&lt;signature&gt;</c> (base64url). The silo checks the certificate against the
/// cluster CA, the signature, and the age; only the holder of the key can make one, and it travels inside TLS.
/// </summary>
public static class CallerCredential
{
    /// <summary>Request-context key the credential travels under.</summary>
    public const string RequestContextKey = "microseg.credential";

    /// <summary>How long a credential is accepted after it was signed (and how far the clocks may differ).</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    private const string Version = "v1";

    /// <summary>A credential for <paramref name="certificate"/> (which holds its ECDSA or RSA private key), signed at <paramref name="now"/>.</summary>
    public static string Create(X509Certificate2 certificate, DateTimeOffset now)
    {
        var seconds = now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var statement = Statement(certificate.RawData, seconds);
        byte[] signature;
        if (certificate.GetECDsaPrivateKey() is { } ecdsa)
        {
            using (ecdsa)
                signature = ecdsa.SignData(statement, HashAlgorithmName.SHA256);
        }
        else if (certificate.GetRSAPrivateKey() is { } rsa)
        {
            using (rsa)
                signature = rsa.SignData(statement, HashAlgorithmName.SHA256, RSASignaturePadding.Pss);
        }
        else
        {
            throw new ArgumentException($"The certificate '{certificate.Subject}' has no private key to sign with.", nameof(certificate));
        }
        return string.Join('.', Version, Base64Url.EncodeToString(certificate.RawData), seconds, Base64Url.EncodeToString(signature));
    }

    /// <summary>
    /// The certificate of a valid credential: well formed, signed by that certificate's key, at most
    /// <see cref="Lifetime"/> old (or early). Null otherwise. Whether the certificate is trusted is the caller's check.
    /// </summary>
    public static X509Certificate2? Verify(string credential, DateTimeOffset now)
    {
        var parts = credential.Split('.');
        if (parts.Length != 4 || parts[0] != Version || parts[1].Length > 8192 || parts[3].Length > 1024)
            return null;
        if (!long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || Math.Abs(now.ToUnixTimeSeconds() - seconds) > (long)Lifetime.TotalSeconds)
            return null;
        X509Certificate2 certificate;
        byte[] signature;
        try
        {
            var raw = Base64Url.DecodeFromChars(parts[1]);
            signature = Base64Url.DecodeFromChars(parts[3]);
            certificate = X509CertificateLoader.LoadCertificate(raw);
        }
        catch (Exception e) when (e is FormatException or CryptographicException)
        {
            return null;
        }
        var statement = Statement(certificate.RawData, parts[2]);
        bool valid;
        if (certificate.GetECDsaPublicKey() is { } ecdsa)
        {
            using (ecdsa)
                valid = ecdsa.VerifyData(statement, signature, HashAlgorithmName.SHA256);
        }
        else if (certificate.GetRSAPublicKey() is { } rsa)
        {
            using (rsa)
                valid = rsa.VerifyData(statement, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pss);
        }
        else
        {
            valid = false;
        }
        if (valid)
            return certificate;
        certificate.Dispose();
        return null;
    }

    /// <summary>What is signed: a purpose prefix (so no other signature by the key can be replayed as a credential), the certificate and the time.</summary>
    private static byte[] Statement(byte[] certificate, string seconds) =>
        [.. Encoding.ASCII.GetBytes($"microseg-caller-credential/{Version}/{seconds}/"), .. SHA256.HashData(certificate)];
}
