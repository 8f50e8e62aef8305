using System.Collections.Frozen;
using System.Reflection;
using Microsoft.AspNetCore.StaticFiles;

namespace MicroSeg.Dashboard.Console;

/// <summary>One built file of the console: its bytes and content type.</summary>
internal sealed record ConsoleFile(byte[] Content, string ContentType);

/// <summary>
/// The console's built files (Vite's dist/), embedded in this assembly by the build and read once at start-up, so
/// the silo serves them without touching the disk or the network.
/// </summary>
internal sealed class ConsoleFiles
{
    private const string Prefix = "console/";

    private readonly FrozenDictionary<string, ConsoleFile> _files;

    private ConsoleFiles(FrozenDictionary<string, ConsoleFile> files) => _files = files;

    /// <summary>The page every console route answers with; null when the console was not built into this assembly.</summary>
    public ConsoleFile? Index => Find("index.html");

    /// <summary>A file by its path under dist/ ("assets/index-1a2b.js"), or null.</summary>
    public ConsoleFile? Find(string path) => _files.GetValueOrDefault(path);

    public static ConsoleFiles Load(Assembly assembly)
    {
        var types = new FileExtensionContentTypeProvider();
        var files = new Dictionary<string, ConsoleFile>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            // MSBuild writes RecursiveDir with the build machine's separator.
            var path = name[Prefix.Length..].Replace('\\', '/');
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var type = types.TryGetContentType(path, out var known) ? known : "application/octet-stream";
            if (type.StartsWith("text/", StringComparison.Ordinal) || type is "application/javascript" or "text/javascript")
                type += "; charset=utf-8";
            files[path] = new ConsoleFile(copy.ToArray(), type);
        }
        return new ConsoleFiles(files.ToFrozenDictionary(StringComparer.Ordinal));
    }
}
