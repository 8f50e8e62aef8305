using System.Collections.Frozen;
using System.Security.Cryptography.X509Certificates;

namespace MicroSeg.Silo.Security.Certificates;

/// <summary>
/// The serials this silo refuses: <see cref="RevocationList"/> from <c>&lt;tls-dir&gt;/revoked.list</c>, read at start
/// (a list that does not verify stops the start) and again whenever the file changes (<see cref="Refresh"/>). While
/// the silo runs the set only grows: a list that does not verify, an older list put back, or a deleted file never
/// un-revokes anything; the silo keeps refusing what it refused and logs the problem.
/// </summary>
internal sealed class CertificateRevocations
{
    private readonly string _directory;
    private readonly X509Certificate2 _authority;
    private readonly Lock _refreshing = new();
    // Swapped whole: the TLS callbacks and the call filter read it on many threads without a lock.
    private volatile FrozenSet<string> _revoked;
    // The text last read: compared whole, not by file time, because a Kubernetes Secret volume swaps a symlinked
    // directory and leaves the file's own link untouched. The list is small; reading it every few seconds costs nothing.
    private string? _seen;

    private CertificateRevocations(string directory, X509Certificate2 authority, RevocationList list, string? seen)
    {
        _directory = directory;
        _authority = authority;
        _revoked = list.Entries.Select(e => e.Serial).ToFrozenSet(StringComparer.Ordinal);
        _seen = seen;
    }

    public string Path => System.IO.Path.Combine(_directory, RevocationList.FileName);

    public int Count => _revoked.Count;

    /// <summary>Reads the list in <paramref name="directory"/>; throws <see cref="FormatException"/> naming what is wrong when it does not verify.</summary>
    public static CertificateRevocations Load(string directory, X509Certificate2 authority)
    {
        var text = ReadText(System.IO.Path.Combine(directory, RevocationList.FileName));
        var list = text is null ? RevocationList.Empty : RevocationList.Parse(text, authority);
        return new CertificateRevocations(directory, authority, list, text);
    }

    public bool IsRevoked(X509Certificate2 certificate) => IsRevoked(certificate.SerialNumber);

    public bool IsRevoked(string serial) => RevocationList.NormalizeSerial(serial) is { } normalized && IsRevokedNormalized(normalized);

    /// <summary>For a serial already normalized (<see cref="RevocationList.NormalizeSerial"/>): one set lookup, no allocation, for per-call checks.</summary>
    public bool IsRevokedNormalized(string serial) => _revoked.Contains(serial);

    /// <summary>
    /// Re-reads the file when its content changed. Returns the serials newly revoked (empty when nothing changed);
    /// throws <see cref="FormatException"/> or <see cref="IOException"/> when the new file cannot be used, keeping the current set.
    /// </summary>
    public IReadOnlyCollection<string> Refresh()
    {
        lock (_refreshing)
        {
            var text = ReadText(Path);
            if (text == _seen)
                return [];
            _seen = text;
            if (text is null)
                return [];
            var list = RevocationList.Parse(text, _authority);
            var current = _revoked;
            var added = list.Entries.Select(e => e.Serial).Where(s => !current.Contains(s)).ToArray();
            if (added.Length > 0)
                _revoked = current.Concat(added).ToFrozenSet(StringComparer.Ordinal);
            return added;
        }
    }

    private static string? ReadText(string path) => File.Exists(path) ? File.ReadAllText(path) : null;
}
