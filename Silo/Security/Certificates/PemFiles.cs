namespace MicroSeg.Silo.Security.Certificates;

/// <summary>Writes PEM files: private keys readable by their owner only, from the moment they exist.</summary>
internal static class PemFiles
{
    public static void WritePrivate(string path, string pem)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        // CreateNew: an existing key is never overwritten (an operator re-issues into an empty directory).
        using var writer = new StreamWriter(new FileStream(path, options));
        writer.Write(pem);
        writer.Write('\n');
    }

    public static void WritePublic(string path, string pem) => File.WriteAllText(path, pem + "\n");
}
