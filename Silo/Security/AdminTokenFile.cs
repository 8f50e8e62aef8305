using MicroSeg.Api.Security;

namespace MicroSeg.Silo.Security;

/// <summary>The file holding the bootstrap admin token's secret: one line, mode 0600.</summary>
/// <param name="path">The file.</param>
/// <param name="http">The API's URL, for the signed-in console address.</param>
/// <param name="replacesLostToken">True for the embedded silo: without the file, a new token replaces the admin token.</param>
internal sealed class AdminTokenFile(string path, string http, bool replacesLostToken)
{
    /// <summary>Without the file, a new token replaces the cluster's admin token (embedded mode) rather than only creating one.</summary>
    public bool ReplacesLostToken { get; } = replacesLostToken;

    /// <summary>The file's default name in the data directory.</summary>
    public const string DefaultName = "admin.token";

    public string Path { get; } = System.IO.Path.GetFullPath(path);

    /// <summary>The secret in the file, or null when there is no file.</summary>
    public string? Read()
    {
        if (!File.Exists(Path))
            return null;
        var secret = File.ReadAllText(Path).Trim();
        if (!secret.StartsWith(ApiTokenSecret.Prefix, StringComparison.Ordinal) || secret.Length < ApiTokenSecret.Prefix.Length + 32)
            throw new InvalidOperationException($"{Path} does not hold a MicroSeg token ('{ApiTokenSecret.Prefix}' and at least 32 characters): delete it to have a new one created.");
        return secret;
    }

    /// <summary>Writes the secret, readable and writable by its owner only, replacing the file atomically.</summary>
    public void Write(string secret)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        var temporary = Path + ".new";
        File.Delete(temporary);
        var create = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            create.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var stream = new FileStream(temporary, create))
        using (var writer = new StreamWriter(stream))
        {
            writer.WriteLine(secret);
        }
        File.Move(temporary, Path, overwrite: true);
    }

    /// <summary>The console's address with the token in the fragment: the browser never sends a fragment to a server or in a Referer.</summary>
    public string ConsoleUrl(string secret) => $"{http.TrimEnd('/')}/#token={secret}";
}
