using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace MicroSeg.Grains.Interfaces.Access;

/// <summary>
/// A process's own certificate and key, read from their PEM files and read again when the files change, so that a
/// rotation is "write the new files, wait": new TLS connections and new credentials use the new certificate, open
/// connections keep the one they were made with. A pair that cannot be used (half written, a key of another
/// certificate, a certificate the check refuses) is not taken: the current one stays until a usable pair appears.
/// </summary>
/// <remarks>
/// The files are compared by content, not by time, because a Kubernetes Secret volume swaps a symlinked directory and
/// leaves each file's own link untouched. They are read at most once per <see cref="CheckPeriod"/>, when something asks
/// for <see cref="Current"/> (a TLS handshake, a credential) or calls <see cref="Refresh"/>.
/// </remarks>
public sealed class ReloadingCertificate
{
    /// <summary>How often the files are read at most: 5 seconds.</summary>
    public static readonly TimeSpan CheckPeriod = TimeSpan.FromSeconds(5);

    private readonly Func<X509Certificate2, string?> _check;
    private readonly TimeProvider _time;
    private readonly Lock _refreshing = new();
    // Swapped whole: TLS callbacks and call filters read it on many threads without a lock.
    private volatile Loaded _current;
    private long _nextCheck;
    // Only read and written under _refreshing.
    private string? _lastRefusal;

    /// <summary>Reads the pair now; throws <see cref="InvalidOperationException"/> naming the file and the problem when it cannot be used.</summary>
    /// <param name="certificateFile">The certificate (PEM).</param>
    /// <param name="keyFile">Its private key (PEM).</param>
    /// <param name="check">Why a certificate may not be used (another CA, role or name, revoked), or null when it may; the reason names the file.</param>
    /// <param name="time">The clock of the check period.</param>
    public ReloadingCertificate(string certificateFile, string keyFile, Func<X509Certificate2, string?> check, TimeProvider time)
    {
        CertificateFile = certificateFile;
        KeyFile = keyFile;
        _check = check;
        _time = time;
        var (text, key) = (File.ReadAllText(certificateFile), File.ReadAllText(keyFile));
        _current = Load(text, key, out var error) ?? throw new InvalidOperationException(error);
        _nextCheck = time.GetTimestamp() + Ticks(CheckPeriod);
    }

    /// <summary>The certificate file.</summary>
    public string CertificateFile { get; }

    /// <summary>The key file.</summary>
    public string KeyFile { get; }

    /// <summary>Raised, on the thread that noticed, when a new certificate was taken.</summary>
    public event Action<X509Certificate2>? Rotated;

    /// <summary>Raised, on the thread that noticed, when the files changed to a pair that cannot be used (the reason).</summary>
    public event Action<string>? Refused;

    /// <summary>The certificate to present now (with its key); the files are read again when the check period has passed.</summary>
    public X509Certificate2 Current
    {
        get
        {
            if (_time.GetTimestamp() >= Interlocked.Read(ref _nextCheck))
                Refresh();
            return _current.Certificate;
        }
    }

    /// <summary>Reads the files now; true when a new certificate was taken.</summary>
    public bool Refresh()
    {
        // One reader at a time; a handshake that finds another thread reading uses the current certificate.
        if (!_refreshing.TryEnter())
            return false;
        try
        {
            Interlocked.Exchange(ref _nextCheck, _time.GetTimestamp() + Ticks(CheckPeriod));
            string text, key;
            try
            {
                (text, key) = (File.ReadAllText(CertificateFile), File.ReadAllText(KeyFile));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Refuse(e.Message);
                return false;
            }
            var current = _current;
            if (text == current.Text && key == current.Key)
                return false;
            if (Load(text, key, out var error) is not { } loaded)
            {
                Refuse(error!);
                return false;
            }
            _lastRefusal = null;
            _current = loaded;
            Rotated?.Invoke(loaded.Certificate);
            return true;
        }
        finally
        {
            _refreshing.Exit();
        }
    }

    /// <summary>Reported once per reason, not every period: a rotation written in two steps passes through here.</summary>
    private void Refuse(string reason)
    {
        if (reason == _lastRefusal)
            return;
        _lastRefusal = reason;
        Refused?.Invoke(reason);
    }

    private Loaded? Load(string text, string key, out string? error)
    {
        X509Certificate2 certificate;
        try
        {
            certificate = X509Certificate2.CreateFromPem(text, key);
        }
        // A key of another certificate is an ArgumentException, a half-written PEM either.
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            error = $"{CertificateFile} and {KeyFile} do not make a usable certificate and key ({e.Message}).";
            return null;
        }
        if (_check(certificate) is { } refused)
        {
            certificate.Dispose();
            error = refused;
            return null;
        }
        error = null;
        return new Loaded(certificate, text, key);
    }

    private long Ticks(TimeSpan span) => (long)(span.TotalSeconds * _time.TimestampFrequency);

    // Certificates once current are never disposed here: a handshake may still be using one.
    private sealed record Loaded(X509Certificate2 Certificate, string Text, string Key);
}
