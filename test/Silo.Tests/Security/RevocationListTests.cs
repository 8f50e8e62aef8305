using MicroSeg.Grains.Interfaces.Access;
using MicroSeg.Silo.Security.Certificates;

namespace MicroSeg.Silo.Tests.Security;

/// <summary>The signed revocation list file and the silo's view of it.</summary>
public sealed class RevocationListTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("microseg-crl-test-").FullName;

    [Fact]
    public void Write_ThenRead_RoundTrips_AndIsWorldReadableOnly()
    {
        var authority = ClusterAuthority.OpenOrCreate(_dir, TimeProvider.System);
        using var agent = authority.Issue(ClusterCertificate.Agent, "node-a", [], [], TimeProvider.System);
        var serial = RevocationList.NormalizeSerial(agent.SerialNumber)!;

        RevocationList.Empty.With(new RevocationList.Entry(serial, DateTimeOffset.UnixEpoch, "agent/node-a")).Write(_dir, authority.Certificate);
        var read = RevocationList.Read(_dir, authority.Certificate);

        Assert.True(read.Contains(serial));
        Assert.Equal("agent/node-a", Assert.Single(read.Entries).Holder);
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
                File.GetUnixFileMode(Path.Combine(_dir, RevocationList.FileName)));
    }

    [Fact]
    public void Parse_RefusesAnEditedList_AndOneSignedByAnotherCa()
    {
        var authority = ClusterAuthority.OpenOrCreate(_dir, TimeProvider.System);
        var foreign = ClusterAuthority.OpenOrCreate(Path.Combine(_dir, "foreign"), TimeProvider.System);
        var text = RevocationList.Empty.With(new RevocationList.Entry("0A1B", DateTimeOffset.UnixEpoch, "-")).Sign(authority.Certificate);

        Assert.Contains("signature does not match", Assert.Throws<FormatException>(() => RevocationList.Parse(text.Replace("revoked 0A1B", "revoked 0A1C", StringComparison.Ordinal), authority.Certificate)).Message);
        Assert.Contains("signature does not match", Assert.Throws<FormatException>(() => RevocationList.Parse(text, foreign.Certificate)).Message);
        Assert.Contains("not signed", Assert.Throws<FormatException>(() => RevocationList.Parse("microseg-revocations v1\nrevoked 0A1B 2026-01-01T00:00:00Z\n", authority.Certificate)).Message);
    }

    [Theory]
    [InlineData("0a:1b", "A1B")]
    [InlineData("00A1B", "A1B")]
    [InlineData("a1b", "A1B")]
    [InlineData("xyz", null)]
    [InlineData("", null)]
    public void NormalizeSerial_ComparesAsNumbers(string input, string? expected) => Assert.Equal(expected, RevocationList.NormalizeSerial(input));

    [Fact]
    public void Refresh_AddsNewSerials_AndNeverRemovesAny()
    {
        var authority = ClusterAuthority.OpenOrCreate(_dir, TimeProvider.System);
        var revocations = CertificateRevocations.Load(_dir, authority.Certificate);
        Assert.False(revocations.IsRevoked("0A1B"));

        RevocationList.Empty.With(new RevocationList.Entry("A1B", DateTimeOffset.UnixEpoch, "-")).Write(_dir, authority.Certificate);
        Assert.Equal(["A1B"], revocations.Refresh());
        Assert.True(revocations.IsRevoked("00:0a:1b"));

        // A list without the entry (an old copy put back), then no file at all: still revoked.
        RevocationList.Empty.With(new RevocationList.Entry("FF", DateTimeOffset.UnixEpoch, "-")).Write(_dir, authority.Certificate);
        Assert.Equal(["FF"], revocations.Refresh());
        File.Delete(Path.Combine(_dir, RevocationList.FileName));
        Assert.Empty(revocations.Refresh());
        Assert.True(revocations.IsRevoked("A1B"));
        Assert.True(revocations.IsRevoked("FF"));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
