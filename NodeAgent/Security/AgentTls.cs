using System.Security.Cryptography.X509Certificates;
using MicroSeg.Grains.Interfaces.Access;
using Microsoft.Extensions.DependencyInjection;
using Orleans;
using Orleans.Connections.Security;
using Orleans.Hosting;

namespace MicroSeg.NodeAgent.Security;

/// <summary>
/// The agent's cluster certificate (<c>--tls-dir</c>: ca.crt, agent.crt, agent.key): TLS with mutual authentication
/// to the gateways, which must present a silo certificate of the same CA, and the signed credential that ties every
/// grain call to this node. The certificate and key are read again when their files change (rotation without a
/// restart): new connections and new credentials use the new pair.
/// </summary>
internal sealed class AgentTls
{
    private AgentTls(X509Certificate2 authority, ReloadingCertificate certificate)
    {
        Authority = authority;
        Files = certificate;
    }

    public X509Certificate2 Authority { get; }

    /// <summary>The agent's certificate files, read again when they change.</summary>
    public ReloadingCertificate Files { get; }

    /// <summary>The certificate the agent presents now.</summary>
    public X509Certificate2 Certificate => Files.Current;

    /// <summary>Loads and checks the files; the error names the file and what is wrong with it.</summary>
    public static AgentTls Load(string directory, string node)
    {
        var ca = Path.Combine(directory, "ca.crt");
        var certificate = Path.Combine(directory, "agent.crt");
        var key = Path.Combine(directory, "agent.key");
        foreach (var file in new[] { ca, certificate, key })
        {
            if (!File.Exists(file))
                throw new InvalidOperationException(
                    $"--tls-dir '{directory}' has no {Path.GetFileName(file)}; issue this node's certificate with " +
                    $"'microseg-silo certs issue --ca-dir <CA dir> --role agent --name {node} --out {directory}'.");
        }
        var authority = X509CertificateLoader.LoadCertificateFromFile(ca);
        // The same check at start and for every rotated pair: an agent certificate of this CA, valid now, for this node.
        var files = new ReloadingCertificate(certificate, key, agent =>
            !ClusterCertificate.IsTrusted(agent, authority, ClusterCertificate.Agent) ? $"{certificate} is not an agent certificate issued by {ca} and valid now."
            : ClusterCertificate.Holder(agent)!.Value.Name != node ? $"{certificate} names node '{ClusterCertificate.Holder(agent)!.Value.Name}', not --node '{node}'."
            : null, TimeProvider.System);
        return new AgentTls(authority, files);
    }

    public void Configure(IClientBuilder client)
    {
        client.UseTls(o =>
        {
            // The certificate at start (Orleans requires one), then whatever the files hold at each handshake.
            o.LocalCertificate = Certificate;
            o.LocalClientCertificateSelector = (_, _, _, _, _) => Files.Current;
            o.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
            o.RemoteCertificateValidation = (certificate, _, _) => ClusterCertificate.IsTrusted(certificate, Authority, ClusterCertificate.Silo);
        });
        client.Services.AddSingleton(this);
        client.AddOutgoingGrainCallFilter<CredentialCallFilter>();
    }
}
