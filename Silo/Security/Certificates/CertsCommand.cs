using System.CommandLine;
using System.Net;
using MicroSeg.Grains.Interfaces.Access;
using MicroSeg.Grains.Interfaces.Validation;

namespace MicroSeg.Silo.Security.Certificates;

/// <summary>
/// <c>microseg-silo certs</c>: creates the cluster CA and issues silo, agent and operator certificates from it.
/// Each issued directory holds <c>ca.crt</c>, <c>&lt;role&gt;.crt</c> and <c>&lt;role&gt;.key</c>, which is what
/// <c>--tls-dir</c> of the silo and the agent reads.
/// </summary>
internal static class CertsCommand
{
    public static Command Create()
    {
        var caDir = new Option<string>("--ca-dir") { Description = "directory of the cluster CA (ca.crt, ca.key); created when missing", Required = true };

        var ca = new Command("ca", "create the cluster CA in --ca-dir (nothing changes when it exists)") { caDir };
        ca.SetAction(parse =>
        {
            var directory = parse.GetValue(caDir)!;
            var authority = ClusterAuthority.OpenOrCreate(directory, TimeProvider.System);
            Console.WriteLine($"cluster CA: {Path.Combine(Path.GetFullPath(directory), ClusterAuthority.CertificateFile)} ({authority.Certificate.Thumbprint})");
            return 0;
        });

        var role = new Option<string>("--role") { Description = "silo, agent or operator", Required = true };
        role.AcceptOnlyFromAmong(ClusterCertificate.Silo, ClusterCertificate.Agent, ClusterCertificate.Operator);
        var name = new Option<string>("--name") { Description = "the silo's name, the agent's node name, or the operator's name", Required = true };
        var addresses = new Option<string[]>("--address") { Description = "IP address the holder is reached at (repeatable; silos)", AllowMultipleArgumentsPerToken = true };
        var dns = new Option<string[]>("--dns") { Description = "DNS name the holder is reached at (repeatable)", AllowMultipleArgumentsPerToken = true };
        var output = new Option<string?>("--out") { Description = "directory to write ca.crt, <role>.crt and <role>.key to. Default: <ca-dir>/<role>-<name>" };
        var issue = new Command("issue", "issue a certificate from the cluster CA (creating the CA first when missing)") { caDir, role, name, addresses, dns, output };
        issue.SetAction(parse =>
        {
            var holder = parse.GetValue(name)!;
            var holderRole = parse.GetValue(role)!;
            if (NameRules.CheckId(holder, "--name") is { } nameError)
                return Fail(nameError);
            var ips = new List<IPAddress>();
            foreach (var text in parse.GetValue(addresses) ?? [])
            {
                if (!IPAddress.TryParse(text, out var ip))
                    return Fail($"--address '{text}' is not an IP address.");
                ips.Add(ip);
            }
            var directory = parse.GetValue(caDir)!;
            var target = parse.GetValue(output) ?? Path.Combine(directory, $"{holderRole}-{holder}");
            if (File.Exists(Path.Combine(target, holderRole + ".key")))
                return Fail($"{Path.Combine(target, holderRole + ".key")} exists; issue into another --out directory (keys are never overwritten).");
            var authority = ClusterAuthority.OpenOrCreate(directory, TimeProvider.System);
            using var certificate = authority.Issue(holderRole, holder, ips, parse.GetValue(dns) ?? [], TimeProvider.System);
            authority.Write(certificate, target, holderRole);
            Console.WriteLine($"{holderRole} '{holder}': {Path.GetFullPath(target)}/{{ca.crt,{holderRole}.crt,{holderRole}.key}} (valid until {certificate.NotAfter:yyyy-MM-dd})");
            return 0;
        });

        return new Command("certs", "cluster certificates: TLS and mutual authentication of silos, agents and operators") { ca, issue, RevokeCommand.Create(caDir) };
    }

    internal static int Fail(string error)
    {
        Console.Error.WriteLine($"microseg-silo certs: {error}");
        return 2;
    }
}
