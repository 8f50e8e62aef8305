using System.Security.Cryptography;
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
/// grain call to this node.
/// </summary>
internal sealed class AgentTls
{
    private AgentTls(X509Certificate2 authority, X509Certificate2 certificate)
    {
        Authority = authority;
        Certificate = certificate;
    }

    public X509Certificate2 Authority { get; }

    public X509Certificate2 Certificate { get; }

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
        var agent = X509Certificate2.CreateFromPemFile(certificate, key);
        if (!ClusterCertificate.IsTrusted(agent, authority, ClusterCertificate.Agent))
            throw new InvalidOperationException($"{certificate} is not an agent certificate issued by {ca} and valid now.");
        if (ClusterCertificate.Holder(agent)!.Value.Name != node)
            throw new InvalidOperationException($"{certificate} names node '{ClusterCertificate.Holder(agent)!.Value.Name}', not --node '{node}'.");
        return new AgentTls(authority, agent);
    }

    public void Configure(IClientBuilder client)
    {
        client.UseTls(Certificate, o =>
        {
            o.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
            o.RemoteCertificateValidation = (certificate, _, _) => ClusterCertificate.IsTrusted(certificate, Authority, ClusterCertificate.Silo);
        });
        client.Services.AddSingleton(this);
        client.AddOutgoingGrainCallFilter<CredentialCallFilter>();
    }
}
