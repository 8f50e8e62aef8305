using System.CommandLine;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MicroSeg.Grains.Interfaces.Access;

namespace MicroSeg.Silo.Security.Certificates;

/// <summary>
/// <c>microseg-silo certs revoke --ca-dir D (--serial S | --cert FILE)</c>: adds a certificate to the CA's signed
/// revocation list (<see cref="RevocationList"/>, <c>D/revoked.list</c>). Silos reading that directory refuse the
/// certificate within seconds; other silos need the file copied into their <c>--tls-dir</c>.
/// </summary>
internal static class RevokeCommand
{
    public static Command Create(Option<string> caDir)
    {
        var serial = new Option<string?>("--serial") { Description = "serial number (hex; colons and case do not matter) of the certificate to revoke" };
        var certificate = new Option<string?>("--cert") { Description = "PEM file of the certificate to revoke (instead of --serial)" };
        var revoke = new Command("revoke", "revoke a certificate: add it to the CA's signed revocation list <ca-dir>/revoked.list, which silos re-read when it changes")
        {
            caDir, serial, certificate,
        };
        revoke.SetAction(parse =>
        {
            var directory = parse.GetValue(caDir)!;
            var (serialText, certificateFile) = (parse.GetValue(serial), parse.GetValue(certificate));
            if ((serialText is null) == (certificateFile is null))
                return CertsCommand.Fail("give exactly one of --serial and --cert.");
            if (!File.Exists(Path.Combine(directory, ClusterAuthority.CertificateFile)) || !File.Exists(Path.Combine(directory, ClusterAuthority.KeyFile)))
                return CertsCommand.Fail($"--ca-dir '{directory}' has no {ClusterAuthority.CertificateFile} and {ClusterAuthority.KeyFile}: only the CA's holder can revoke.");

            var holder = "-";
            string? normalized;
            if (certificateFile is not null)
            {
                X509Certificate2 revoked;
                try
                {
                    revoked = X509CertificateLoader.LoadCertificateFromFile(certificateFile);
                }
                catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
                {
                    return CertsCommand.Fail($"--cert '{certificateFile}' is not a readable certificate: {e.Message}");
                }
                using (revoked)
                {
                    normalized = RevocationList.NormalizeSerial(revoked.SerialNumber);
                    if (ClusterCertificate.Holder(revoked) is { } named)
                        holder = $"{named.Role}/{named.Name}";
                }
            }
            else
            {
                normalized = RevocationList.NormalizeSerial(serialText!);
                if (normalized is null)
                    return CertsCommand.Fail($"--serial '{serialText}' is not a hexadecimal serial number.");
            }

            var authority = ClusterAuthority.OpenOrCreate(directory, TimeProvider.System);
            RevocationList list;
            try
            {
                list = RevocationList.Read(directory, authority.Certificate);
            }
            catch (FormatException e)
            {
                return CertsCommand.Fail($"{Path.Combine(directory, RevocationList.FileName)}: {e.Message} Move it away to start a new list.");
            }
            if (list.Contains(normalized!))
            {
                Console.WriteLine($"serial {normalized} is already revoked in {Path.GetFullPath(Path.Combine(directory, RevocationList.FileName))}");
                return 0;
            }
            list.With(new RevocationList.Entry(normalized!, TimeProvider.System.GetUtcNow(), holder)).Write(directory, authority.Certificate);
            Console.WriteLine($"revoked serial {normalized} ({holder}): {Path.GetFullPath(Path.Combine(directory, RevocationList.FileName))}; " +
                "silos using this directory refuse it within seconds, copy the file to the --tls-dir of every other silo");
            return 0;
        });
        return revoke;
    }
}
