using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace MicroSeg.Silo.Security.Certificates;

/// <summary>
/// The cluster's certificate revocation list, <c>revoked.list</c> beside <c>ca.crt</c>: the serial numbers of
/// certificates the CA has withdrawn, signed with the CA's key so that only the CA's holder can make one a silo
/// accepts. A text file, one entry a line:
/// <code>
/// # comment lines start with '#'
/// microseg-revocations v1
/// revoked &lt;serial, hex&gt; &lt;when, ISO 8601 UTC&gt; &lt;holder (role/name), informative&gt;
/// signature &lt;base64url ECDSA-SHA256 (DER) signature by the CA over every byte before this line&gt;
/// </code>
/// Serials are compared as numbers: case, colons and leading zeros do not matter.
/// </summary>
internal sealed record RevocationList(IReadOnlyList<RevocationList.Entry> Entries)
{
    public const string FileName = "revoked.list";

    private const string Header = "microseg-revocations v1";
    private const string RevokedPrefix = "revoked ";
    private const string SignaturePrefix = "signature ";

    public static readonly RevocationList Empty = new([]);

    /// <summary>One withdrawn certificate.</summary>
    /// <param name="Serial">Normalized serial (see <see cref="NormalizeSerial"/>).</param>
    /// <param name="RevokedAt">When it was revoked.</param>
    /// <param name="Holder">Role/name of the holder when known ("-" otherwise); for people reading the file.</param>
    internal sealed record Entry(string Serial, DateTimeOffset RevokedAt, string Holder);

    /// <summary>Whether the certificate with serial <paramref name="serial"/> (normalized) is revoked.</summary>
    public bool Contains(string serial) => Entries.Any(e => e.Serial == serial);

    /// <summary>A serial as upper-case hex without separators or leading zeros, or null when it is not hex.</summary>
    public static string? NormalizeSerial(string serial)
    {
        var hex = serial.Replace(":", "", StringComparison.Ordinal).Trim().ToUpperInvariant().TrimStart('0');
        if (hex.Length == 0)
            return serial.Contains('0', StringComparison.Ordinal) ? "0" : null;
        return hex.Length <= 40 && hex.All(Uri.IsHexDigit) ? hex : null;
    }

    /// <summary>This list with <paramref name="entry"/> added (unchanged when that serial is already in it).</summary>
    public RevocationList With(Entry entry) => Contains(entry.Serial) ? this : new RevocationList([.. Entries, entry]);

    /// <summary>The file's text, signed with <paramref name="authority"/>'s private key.</summary>
    public string Sign(X509Certificate2 authority)
    {
        var body = new StringBuilder()
            .Append("# Certificates revoked by the MicroSeg cluster CA. Made by 'microseg-silo certs revoke'; the signature covers every line above it.\n")
            .Append(Header).Append('\n');
        foreach (var entry in Entries)
            body.Append(RevokedPrefix).Append(entry.Serial).Append(' ').Append(entry.RevokedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture))
                .Append(' ').Append(entry.Holder).Append('\n');
        using var key = authority.GetECDsaPrivateKey() ?? throw new InvalidOperationException("The CA certificate has no ECDSA private key to sign the revocation list with.");
        var signature = key.SignData(Encoding.UTF8.GetBytes(body.ToString()), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        return body.Append(SignaturePrefix).Append(Base64Url.EncodeToString(signature)).Append('\n').ToString();
    }

    /// <summary>Reads and verifies a list's text against <paramref name="authority"/>; the error names the line and what is wrong.</summary>
    public static RevocationList Parse(string text, X509Certificate2 authority)
    {
        var at = text.LastIndexOf("\n" + SignaturePrefix, StringComparison.Ordinal);
        if (at < 0)
            throw new FormatException($"no '{SignaturePrefix.Trim()}' line: the list is not signed by the cluster CA.");
        var body = text[..(at + 1)];
        var signatureText = text[(at + 1 + SignaturePrefix.Length)..].Trim();
        byte[] signature;
        try
        {
            signature = Base64Url.DecodeFromChars(signatureText);
        }
        catch (FormatException)
        {
            throw new FormatException("the signature line is not base64url.");
        }
        using (var key = authority.GetECDsaPublicKey() ?? throw new FormatException("the CA has no ECDSA key to check the signature with."))
        {
            if (!key.VerifyData(Encoding.UTF8.GetBytes(body), signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence))
                throw new FormatException("the signature does not match: the list was changed after signing, or another CA signed it.");
        }

        var entries = new List<Entry>();
        var header = false;
        var number = 0;
        foreach (var line in body.Split('\n'))
        {
            number++;
            if (line.Length == 0 || line.StartsWith('#'))
                continue;
            if (line == Header)
            {
                header = true;
                continue;
            }
            var fields = line.Split(' ', 4);
            if (!header || fields.Length < 3 || fields[0] != RevokedPrefix.Trim() || NormalizeSerial(fields[1]) is not { } serial
                || !DateTimeOffset.TryParse(fields[2], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var when))
                throw new FormatException($"line {number} is not '{RevokedPrefix}<serial hex> <time>' after the '{Header}' line.");
            entries.Add(new Entry(serial, when, fields.Length > 3 ? fields[3] : "-"));
        }
        if (!header)
            throw new FormatException($"no '{Header}' line.");
        return new RevocationList(entries);
    }

    /// <summary>The list in <paramref name="directory"/>, verified; <see cref="Empty"/> when there is none.</summary>
    public static RevocationList Read(string directory, X509Certificate2 authority)
    {
        var path = Path.Combine(directory, FileName);
        return File.Exists(path) ? Parse(File.ReadAllText(path), authority) : Empty;
    }

    /// <summary>
    /// Replaces the list in <paramref name="directory"/> at once (a new file renamed over the old one), so a silo
    /// watching it never reads half a list. Mode 0644: it is public, and its signature, not the file mode, protects it.
    /// </summary>
    public void Write(string directory, X509Certificate2 authority)
    {
        var path = Path.Combine(directory, FileName);
        var temporary = Path.Combine(directory, $".{FileName}.{Environment.ProcessId}.tmp");
        File.WriteAllText(temporary, Sign(authority));
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        File.Move(temporary, path, overwrite: true);
    }
}
