using System.Text.Json;

namespace MicroSeg.Cli.Connection;

/// <summary>
/// Where the API is, the bearer token to send, and the cluster CA to trust for HTTPS (instead of the machine's store):
/// flag, else environment variable, else the config file, else the embedded silo's default.
/// </summary>
internal sealed record ServerSettings(Uri Server, string? Token, string? CaFile = null)
{
    /// <summary>The embedded silo's default --http (Silo/Hosting/SiloCommandOptions).</summary>
    public const string DefaultServer = "http://127.0.0.1:8080";

    public static ServerSettings Resolve(string? serverFlag, string? tokenFlag, CliEnvironment env, string? caFileFlag = null)
    {
        var file = ConfigFile.Read(env.ConfigPath);
        var server = First(serverFlag, env.GetVariable("MICROSEG_SERVER"), file?.Server) ?? DefaultServer;
        var token = First(tokenFlag, env.GetVariable("MICROSEG_TOKEN"), file?.Token);
        var caFile = First(caFileFlag, env.GetVariable("MICROSEG_CA_FILE"), file?.CaFile);
        if (!Uri.TryCreate(server, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw new CliException($"server: '{server}' is not an http:// or https:// URL.");
        if (caFile is not null && !File.Exists(caFile))
            throw new CliException($"ca-file: {caFile} does not exist (--ca-file, MICROSEG_CA_FILE or the config file's caFile).");
        return new ServerSettings(uri, token, caFile);
    }

    private static string? First(params string?[] values) => values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));

    /// <summary>The config file: {"server": "https://host:8443", "token": "...", "caFile": "/path/ca.crt"}; all optional.</summary>
    private sealed record ConfigFile(string? Server, string? Token, string? CaFile)
    {
        public static ConfigFile? Read(string path)
        {
            if (!File.Exists(path))
                return null;
            try
            {
                return JsonSerializer.Deserialize<ConfigFile>(File.ReadAllText(path), new JsonSerializerOptions(JsonSerializerDefaults.Web));
            }
            catch (JsonException ex)
            {
                throw new CliException($"config file {path}: {ex.Message}");
            }
        }
    }
}
