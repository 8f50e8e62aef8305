using System.Security.Cryptography.X509Certificates;
using MicroSeg.EndToEnd.Tests.Infrastructure;
using MicroSeg.Grains.Interfaces.Access;

namespace MicroSeg.EndToEnd.Tests.Security;

/// <summary><c>microseg-silo certs</c> as an operator runs it: the CA once, certificates from it, bad input refused. Needs 'make build'.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class CertsCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("microseg-certs-").FullName;

    [Fact]
    public async Task CaThenIssue_WritesUsableFiles_KeysOwnerOnly_NeverOverwrites()
    {
        var ca = Path.Combine(_dir, "ca");
        var (code, output) = await RunAsync("certs", "ca", "--ca-dir", ca);
        Assert.True(code == 0, output);
        var thumbprint = X509CertificateLoader.LoadCertificateFromFile(Path.Combine(ca, "ca.crt")).Thumbprint;
        Assert.True((await RunAsync("certs", "ca", "--ca-dir", ca)).Code == 0);
        Assert.Equal(thumbprint, X509CertificateLoader.LoadCertificateFromFile(Path.Combine(ca, "ca.crt")).Thumbprint);

        var silo = Path.Combine(_dir, "silo-1");
        (code, output) = await RunAsync("certs", "issue", "--ca-dir", ca, "--role", "silo", "--name", "silo-1", "--address", "198.18.0.10", "--out", silo);
        Assert.True(code == 0, output);
        using var certificate = X509Certificate2.CreateFromPemFile(Path.Combine(silo, "silo.crt"), Path.Combine(silo, "silo.key"));
        Assert.Equal((ClusterCertificate.Silo, "silo-1"), ClusterCertificate.Holder(certificate));
        Assert.True(ClusterCertificate.IsTrusted(certificate, X509CertificateLoader.LoadCertificateFromFile(Path.Combine(silo, "ca.crt")), ClusterCertificate.Silo));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(silo, "silo.key")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(ca, "ca.key")));

        var key = File.ReadAllText(Path.Combine(silo, "silo.key"));
        (code, output) = await RunAsync("certs", "issue", "--ca-dir", ca, "--role", "silo", "--name", "silo-1", "--out", silo);
        Assert.Equal(2, code);
        Assert.Contains("never overwritten", output);
        Assert.Equal(key, File.ReadAllText(Path.Combine(silo, "silo.key")));
    }

    [Theory]
    [InlineData("'admin'", "--role", "admin", "--name", "x")]
    [InlineData("--name", "--role", "agent", "--name", "Not_A_Node")]
    [InlineData("--address 'not-an-ip'", "--role", "silo", "--name", "s", "--address", "not-an-ip")]
    public async Task Issue_BadInput_FailsNamingTheBadValue_AndWritesNothing(string named, params string[] args)
    {
        var ca = Path.Combine(_dir, "ca");
        var (code, output) = await RunAsync(["certs", "issue", "--ca-dir", ca, "--out", Path.Combine(_dir, "out"), .. args]);
        Assert.NotEqual(0, code);
        Assert.Contains(named, output);
        Assert.False(Directory.Exists(Path.Combine(_dir, "out")), "a refused request wrote files");
    }

    [Fact]
    public async Task Revoke_BadInput_FailsNamingIt_AndWritesNoList()
    {
        var ca = Path.Combine(_dir, "ca");
        var (code, output) = await RunAsync("certs", "revoke", "--ca-dir", ca, "--serial", "0A");
        Assert.Equal(2, code);
        Assert.Contains("only the CA's holder can revoke", output);
        Assert.True((await RunAsync("certs", "ca", "--ca-dir", ca)).Code == 0);

        (code, output) = await RunAsync("certs", "revoke", "--ca-dir", ca, "--serial", "not-hex");
        Assert.Equal(2, code);
        Assert.Contains("--serial 'not-hex'", output);
        (code, output) = await RunAsync("certs", "revoke", "--ca-dir", ca);
        Assert.Equal(2, code);
        Assert.Contains("exactly one of --serial and --cert", output);
        (code, output) = await RunAsync("certs", "revoke", "--ca-dir", ca, "--cert", Path.Combine(_dir, "missing.crt"));
        Assert.Equal(2, code);
        Assert.Contains("--cert", output);
        Assert.False(File.Exists(Path.Combine(ca, "revoked.list")), "a refused request wrote a list");

        // Revoking twice keeps one entry.
        Assert.True((await RunAsync("certs", "revoke", "--ca-dir", ca, "--serial", "0a:1b")).Code == 0);
        (code, output) = await RunAsync("certs", "revoke", "--ca-dir", ca, "--serial", "A1B");
        Assert.True(code == 0, output);
        Assert.Contains("already revoked", output);
        Assert.Single(File.ReadAllLines(Path.Combine(ca, "revoked.list")), l => l.StartsWith("revoked ", StringComparison.Ordinal));
    }

    private static async Task<(int Code, string Output)> RunAsync(params string[] args)
    {
        using var command = ChildProcess.Start("certs", RepoPaths.Silo, args);
        Assert.True(await command.WaitForExitAsync(TimeSpan.FromSeconds(30)), command.Tail());
        return (command.ExitCode, command.Output);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
