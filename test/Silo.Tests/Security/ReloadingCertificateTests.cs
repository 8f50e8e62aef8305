using System.Security.Cryptography.X509Certificates;
using MicroSeg.Grains.Interfaces.Access;
using MicroSeg.Silo.Security.Certificates;
using Microsoft.Extensions.Time.Testing;

namespace MicroSeg.Silo.Tests.Security;

/// <summary>A process's own certificate files, replaced while it runs: taken when usable, never half.</summary>
public sealed class ReloadingCertificateTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("microseg-reload-").FullName;
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly ClusterAuthority _authority;

    public ReloadingCertificateTests() => _authority = ClusterAuthority.OpenOrCreate(Path.Combine(_directory, "ca"), TimeProvider.System);

    private string Live => Path.Combine(_directory, "live");

    [Fact]
    public void FilesReplaced_TakenAfterTheCheckPeriod_NotBefore()
    {
        var first = Place(Issue(ClusterCertificate.Silo, "s1"));
        var files = Open();
        var rotated = new List<string>();
        files.Rotated += c => rotated.Add(c.SerialNumber);
        Assert.Equal(first, files.Current.SerialNumber);

        var second = Place(Issue(ClusterCertificate.Silo, "s2"));
        Assert.Equal(first, files.Current.SerialNumber);
        _time.Advance(ReloadingCertificate.CheckPeriod);
        Assert.Equal(second, files.Current.SerialNumber);
        Assert.True(files.Current.HasPrivateKey);
        Assert.Equal([second], rotated);
        // Unchanged files: nothing happens again.
        _time.Advance(ReloadingCertificate.CheckPeriod);
        Assert.False(files.Refresh());
        Assert.Single(rotated);
    }

    [Fact]
    public void HalfWrittenPair_IsRefusedOnce_ThenTakenWhenTheKeyFollows()
    {
        var first = Place(Issue(ClusterCertificate.Silo, "s1"));
        var files = Open();
        var refused = new List<string>();
        files.Refused += refused.Add;

        var next = Issue(ClusterCertificate.Silo, "s2");
        File.Copy(Path.Combine(next, "silo.crt"), Path.Combine(Live, "silo.crt"), overwrite: true);
        Assert.False(files.Refresh());
        Assert.False(files.Refresh());
        Assert.Equal(first, files.Current.SerialNumber);
        var reason = Assert.Single(refused);
        Assert.Contains("silo.key", reason, StringComparison.Ordinal);

        File.Copy(Path.Combine(next, "silo.key"), Path.Combine(Live, "silo.key"), overwrite: true);
        Assert.True(files.Refresh());
        Assert.NotEqual(first, files.Current.SerialNumber);
    }

    [Fact]
    public void FileRemoved_KeepsTheCurrentCertificate_ReportedOnce()
    {
        var first = Place(Issue(ClusterCertificate.Silo, "s1"));
        var files = Open();
        var refused = new List<string>();
        files.Refused += refused.Add;
        File.Delete(Path.Combine(Live, "silo.key"));
        Assert.False(files.Refresh());
        Assert.False(files.Refresh());
        Assert.Equal(first, files.Current.SerialNumber);
        Assert.Single(refused);
    }

    [Fact]
    public void PairTheCheckRefuses_IsNotTaken()
    {
        var first = Place(Issue(ClusterCertificate.Silo, "s1"));
        var files = Open();
        Place(Issue(ClusterCertificate.Agent, "node-1"));
        Assert.False(files.Refresh());
        Assert.Equal(first, files.Current.SerialNumber);
        Assert.Equal(ClusterCertificate.Silo, ClusterCertificate.Holder(files.Current)!.Value.Role);
    }

    [Fact]
    public void UnusablePairAtStart_Throws_NamingTheFiles()
    {
        Place(Issue(ClusterCertificate.Agent, "node-1"));
        var refused = Assert.Throws<InvalidOperationException>(Open);
        Assert.Contains("not a silo certificate", refused.Message, StringComparison.Ordinal);

        var other = Issue(ClusterCertificate.Silo, "s2");
        File.Copy(Path.Combine(other, "silo.key"), Path.Combine(Live, "silo.key"), overwrite: true);
        var mismatched = Assert.Throws<InvalidOperationException>(Open);
        Assert.Contains("silo.key", mismatched.Message, StringComparison.Ordinal);
    }

    private ReloadingCertificate Open()
    {
        using var ca = X509CertificateLoader.LoadCertificateFromFile(Path.Combine(_directory, "ca", ClusterAuthority.CertificateFile));
        var authority = X509CertificateLoader.LoadCertificate(ca.RawData);
        return new ReloadingCertificate(Path.Combine(Live, "silo.crt"), Path.Combine(Live, "silo.key"),
            c => ClusterCertificate.IsTrusted(c, authority, ClusterCertificate.Silo) ? null : "not a silo certificate of this CA", _time);
    }

    /// <summary>A certificate issued into a directory of its own; its path.</summary>
    private string Issue(string role, string name)
    {
        var directory = Path.Combine(_directory, $"{role}-{name}-{Guid.NewGuid():N}");
        using var certificate = _authority.Issue(role, name, [], [], TimeProvider.System);
        _authority.Write(certificate, directory, "silo");
        return directory;
    }

    /// <summary>Copies the pair over the live files (as an operator does); the serial placed.</summary>
    private string Place(string issued)
    {
        Directory.CreateDirectory(Live);
        foreach (var file in new[] { "silo.crt", "silo.key" })
            File.Copy(Path.Combine(issued, file), Path.Combine(Live, file), overwrite: true);
        using var certificate = X509CertificateLoader.LoadCertificateFromFile(Path.Combine(Live, "silo.crt"));
        return certificate.SerialNumber;
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
