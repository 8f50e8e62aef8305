using System.Security.Cryptography.X509Certificates;

namespace MicroSeg.Grains.Interfaces.Access;

/// <summary>
/// What a MicroSeg cluster certificate says about its holder. Every certificate is issued by the cluster's own
/// CA (<c>microseg-silo certs</c>); its subject is <c>CN=&lt;name&gt;, OU=&lt;role&gt;, O=microseg</c>, where the role
/// is <see cref="Silo"/>, <see cref="Agent"/> (the name is the node's) or <see cref="Operator"/>.
/// </summary>
public static class ClusterCertificate
{
    /// <summary>Role of a silo: may join the cluster on the silo port.</summary>
    public const string Silo = "silo";

    /// <summary>Role of a node agent: may read its own node's rules and acknowledge its own revisions.</summary>
    public const string Agent = "agent";

    /// <summary>Role of an operator's grain client: may call any grain through a gateway.</summary>
    public const string Operator = "operator";

    /// <summary>Organization (O) every MicroSeg certificate names.</summary>
    public const string Organization = "microseg";

    /// <summary>The holder's role (OU) and name (CN), or null when the certificate names no MicroSeg role.</summary>
    public static (string Role, string Name)? Holder(X509Certificate2 certificate)
    {
        string? role = null, name = null, organization = null;
        foreach (var part in certificate.SubjectName.EnumerateRelativeDistinguishedNames())
        {
            var oid = part.GetSingleElementType().Value;
            var value = part.GetSingleElementValue();
            switch (oid)
            {
                case "2.5.4.3": name = value; break;            // CN
                case "2.5.4.11": role = value; break;           // OU
                case "2.5.4.10": organization = value; break;   // O
            }
        }
        if (organization != Organization || string.IsNullOrEmpty(name) || role is not (Silo or Agent or Operator))
            return null;
        return (role, name);
    }

    /// <summary>
    /// Whether <paramref name="certificate"/> was issued by <paramref name="authority"/> (only that CA is trusted,
    /// not the machine's store), is valid now, is meant for TLS, and names one of <paramref name="roles"/>.
    /// </summary>
    public static bool IsTrusted(X509Certificate2 certificate, X509Certificate2 authority, params string[] roles)
    {
        if (Holder(certificate) is not { } holder || Array.IndexOf(roles, holder.Role) < 0)
            return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(authority);
        // A private CA publishes no revocation list: a compromised certificate is handled by re-issuing the CA.
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationFlags = X509VerificationFlags.NoFlag;
        if (!chain.Build(certificate))
            return false;
        // The chain must end at our CA itself, not merely at some certificate with the same name.
        var root = chain.ChainElements[^1].Certificate;
        return root.RawDataMemory.Span.SequenceEqual(authority.RawDataMemory.Span);
    }
}
