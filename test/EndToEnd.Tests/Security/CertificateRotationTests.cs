using System.Security.Cryptography.X509Certificates;
using MicroSeg.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace MicroSeg.EndToEnd.Tests.Security;

/// <summary>
/// Rotation without a restart, as an operator does it: issue new files with the real <c>certs issue</c>, put them in
/// place of the old ones, wait. The running silo's gateway presents its new certificate on new connections; the running
/// agent signs and connects with its new certificate, which is shown by revoking the old one: the silo closes the
/// agent's old connection and refuses the old certificate, and the agent still applies the next change. Neither process
/// restarts. Real silo and agent processes, real kernel; needs 'make build' and root.
/// </summary>
public sealed class CertificateRotationTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task SiloAndAgentCertificateFilesReplaced_NewConnectionsUseTheNewOnes_WithoutARestart()
    {
        await using var system = await MicroSegSystem.StartAsync(output);
        var node = system.NodeName("rot");
        var a = system.AddPod("a", "198.18.0.1/24", 80);
        var b = system.AddPod("b", "198.18.0.2/24", 80);
        system.StartAgent(node);
        await system.RegisterAsync(node, "rot-a", a);
        await system.ConvergeAsync();
        var (silo, agent) = (system.Silo.Id, system.Agent(node).Id);

        // The silo: a new silo certificate from the cluster CA, written over silo.crt and silo.key.
        var siloOld = await GatewaySerialAsync(system.GatewayPort);
        var siloNew = await IssueAsync(system.TlsDirectory, "silo", "silo-rotated", "--address", "127.0.0.1");
        Assert.NotEqual(siloOld, siloNew.SerialNumber);
        Replace(siloNew.Directory, system.TlsDirectory, "silo");
        await WaitAsync(async () => await GatewaySerialAsync(system.GatewayPort) == siloNew.SerialNumber, "the gateway still presents the old silo certificate", system);
        // The silo logs the rotation after new connections already get the new certificate, and the line reaches us through
        // the console logger's queue and a pipe: wait for it rather than expect it at once.
        await WaitAsync(() => Task.FromResult(system.Silo.Output.Contains($"new connections use serial {siloNew.SerialNumber}", StringComparison.Ordinal)),
            "the silo did not log the rotation", system);

        // The agent: a new certificate for the same node, written over agent.crt and agent.key in its --tls-dir.
        var agentDirectory = system.IssueAgentCertificate(node);
        var agentOld = Path.Combine(Directory.CreateTempSubdirectory("microseg-old-agent-").FullName, "agent.crt");
        File.Copy(Path.Combine(agentDirectory, "agent.crt"), agentOld);
        var agentNew = await IssueAsync(system.TlsDirectory, "agent", node);
        Replace(agentNew.Directory, agentDirectory, "agent");
        await WaitAsync(() => Task.FromResult(system.Agent(node).Output.Contains($"credentials use serial {agentNew.SerialNumber}", StringComparison.Ordinal)),
            "the agent did not take its new certificate", system);

        // Revoking the old agent certificate closes the connection it opened and refuses it and its credentials from now on:
        // the agent keeps working only if it reconnects and signs with the new one.
        await RunCertsAsync("revoke", "--ca-dir", system.TlsDirectory, "--cert", agentOld);
        await WaitAsync(() => Task.FromResult(system.Silo.Output.Contains($"(agent/{node}): its certificate", StringComparison.Ordinal)),
            "the silo did not close the agent's connection made with the old certificate", system);
        await system.RegisterAsync(node, "rot-b", b);
        await system.ConvergeAsync();

        Assert.False(system.Silo.HasExited, system.Silo.Tail());
        Assert.False(system.Agent(node).HasExited, system.Agent(node).Tail());
        Assert.Equal((silo, agent), (system.Silo.Id, system.Agent(node).Id));
    }

    /// <summary>The serial of the certificate the gateway presents to a new TLS connection.</summary>
    private static async Task<string?> GatewaySerialAsync(int port)
    {
        await using var tls = await TlsProbe.OpenAsync(port, null);
        return tls?.RemoteCertificate is { } certificate ? new X509Certificate2(certificate).SerialNumber : null;
    }

    /// <summary>Issues with the real command into a directory of its own (certs never overwrites a key).</summary>
    private static async Task<(string Directory, string SerialNumber)> IssueAsync(string caDirectory, string role, string name, params string[] extra)
    {
        var directory = Path.Combine(Directory.CreateTempSubdirectory("microseg-rotated-").FullName, "out");
        await RunCertsAsync(["issue", "--ca-dir", caDirectory, "--role", role, "--name", name, "--out", directory, .. extra]);
        using var certificate = X509CertificateLoader.LoadCertificateFromFile(Path.Combine(directory, role + ".crt"));
        return (directory, certificate.SerialNumber);
    }

    /// <summary>What an operator (or a Secret volume) does: each new file written beside the old one and renamed over it.</summary>
    private static void Replace(string from, string to, string stem)
    {
        foreach (var extension in new[] { ".crt", ".key" })
        {
            var staged = Path.Combine(to, $".{stem}{extension}.new");
            File.Copy(Path.Combine(from, stem + extension), staged, overwrite: true);
            File.Move(staged, Path.Combine(to, stem + extension), overwrite: true);
        }
    }

    private static async Task RunCertsAsync(params string[] args)
    {
        using var command = ChildProcess.Start("certs", RepoPaths.Silo, ["certs", .. args]);
        Assert.True(await command.WaitForExitAsync(TimeSpan.FromSeconds(30)), $"microseg-silo certs {string.Join(' ', args)} did not exit");
        Assert.True(command.ExitCode == 0, $"microseg-silo certs {string.Join(' ', args)} failed ({command.ExitCode})\n{command.Tail()}");
    }

    private static async Task WaitAsync(Func<Task<bool>> condition, string failure, MicroSegSystem system)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"{failure}\n{string.Join("\n", system.Logs.Select(l => l.Tail()))}");
            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }
    }
}
