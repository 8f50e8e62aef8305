using System.Security.Cryptography.X509Certificates;
using MicroSeg.Grains.Interfaces.Access;
using MicroSeg.Silo.Security.Certificates;

namespace MicroSeg.Silo.Tests.Security;

/// <summary>The cluster CA and the certificates and credentials made from it.</summary>
public sealed class ClusterAuthorityTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("microseg-ca-test-").FullName;

    [Fact]
    public void OpenOrCreate_WritesKeyOwnerOnly_AndReopensTheSameCa()
    {
        var first = ClusterAuthority.OpenOrCreate(_dir, TimeProvider.System);
        var again = ClusterAuthority.OpenOrCreate(_dir, TimeProvider.System);

        Assert.Equal(first.Certificate.Thumbprint, again.Certificate.Thumbprint);
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_dir, ClusterAuthority.KeyFile)));
        Assert.True(first.Certificate.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
    }

    [Fact]
    public void Issue_AgentCertificate_NamesItsNode_IsTrustedOnlyByItsCaAndForItsRole()
    {
        var authority = ClusterAuthority.OpenOrCreate(_dir, TimeProvider.System);
        var foreign = ClusterAuthority.OpenOrCreate(Path.Combine(_dir, "foreign"), TimeProvider.System);
        using var agent = authority.Issue(ClusterCertificate.Agent, "node-a", [], [], TimeProvider.System);

        Assert.Equal((ClusterCertificate.Agent, "node-a"), ClusterCertificate.Holder(agent));
        Assert.True(ClusterCertificate.IsTrusted(agent, authority.Certificate, ClusterCertificate.Agent));
        Assert.False(ClusterCertificate.IsTrusted(agent, authority.Certificate, ClusterCertificate.Silo));
        Assert.False(ClusterCertificate.IsTrusted(agent, foreign.Certificate, ClusterCertificate.Agent));
        // A CA is not itself a holder: it names no role.
        Assert.Null(ClusterCertificate.Holder(authority.Certificate));
    }

    [Fact]
    public void Write_ThenLoad_GivesAUsableKeyPair_AndNeverOverwritesAKey()
    {
        var authority = ClusterAuthority.OpenOrCreate(_dir, TimeProvider.System);
        using var silo = authority.Issue(ClusterCertificate.Silo, "silo-1", [System.Net.IPAddress.Loopback], ["localhost"], TimeProvider.System);
        var output = Path.Combine(_dir, "silo-1");
        authority.Write(silo, output, "silo");

        using var loaded = X509Certificate2.CreateFromPemFile(Path.Combine(output, "silo.crt"), Path.Combine(output, "silo.key"));
        Assert.True(loaded.HasPrivateKey);
        Assert.True(ClusterCertificate.IsTrusted(loaded, X509CertificateLoader.LoadCertificateFromFile(Path.Combine(output, "ca.crt")), ClusterCertificate.Silo));
        Assert.Throws<IOException>(() => authority.Write(silo, output, "silo"));
    }

    [Fact]
    public void CallerCredential_VerifiesOnlyFreshUntamperedStatementsOfTheKeyHolder()
    {
        var authority = ClusterAuthority.OpenOrCreate(_dir, TimeProvider.System);
        using var a = authority.Issue(ClusterCertificate.Agent, "node-a", [], [], TimeProvider.System);
        using var b = authority.Issue(ClusterCertificate.Agent, "node-b", [], [], TimeProvider.System);
        var now = DateTimeOffset.UtcNow;
        var credential = CallerCredential.Create(a, now);

        using var verified = CallerCredential.Verify(credential, now + TimeSpan.FromMinutes(1));
        Assert.Equal(a.Thumbprint, verified?.Thumbprint);
        Assert.Null(CallerCredential.Verify(credential, now + CallerCredential.Lifetime + TimeSpan.FromSeconds(2)));

        var parts = credential.Split('.');
        Assert.Null(CallerCredential.Verify(string.Join('.', parts[0], System.Buffers.Text.Base64Url.EncodeToString(b.RawData), parts[2], parts[3]), now));
        Assert.Null(CallerCredential.Verify(string.Join('.', parts[0], parts[1], (long.Parse(parts[2]) + 1).ToString(), parts[3]), now));
        Assert.Null(CallerCredential.Verify("v1.not-base64!.1.x", now));
        Assert.Null(CallerCredential.Verify("", now));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
