using System.Security.Cryptography.X509Certificates;

namespace MicroSeg.Silo.Security.Certificates;

/// <summary>The cluster CA whose certificates sign the callers' credentials.</summary>
internal sealed record CallerAuthority(X509Certificate2 Certificate);
