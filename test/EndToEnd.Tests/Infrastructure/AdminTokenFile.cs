using System.Security.Cryptography;

namespace MicroSeg.EndToEnd.Tests.Infrastructure;

/// <summary>
/// The silo's bootstrap admin token file as a test provides it: written before the silo starts (the silo
/// registers the token it finds), or read after the silo created one.
/// </summary>
internal static class AdminTokenFile
{
    /// <summary>The file's name in a silo's --data directory.</summary>
    public const string Name = "admin.token";

    /// <summary>Writes a new random token to <paramref name="path"/> (mode 0600, as the silo would) and returns it.</summary>
    public static string Write(string path)
    {
        var secret = "mst_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        File.WriteAllText(path, secret + "\n");
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return secret;
    }

    /// <summary>Waits until the silo has written its token file, then reads it.</summary>
    public static async Task<string> ReadAsync(string path, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!File.Exists(path))
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"the silo did not write {path} within {timeout}");
            await Task.Delay(100);
        }
        return (await File.ReadAllTextAsync(path)).Trim();
    }
}
