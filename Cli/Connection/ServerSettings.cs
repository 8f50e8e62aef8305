using System.Text.Json;

namespace MicroSeg.Cli.Connection;

/// <summary>Where the API is and the bearer token to send: flag, else environment variable, else the config file, else the embedded silo's default.</summary>
internal sealed record ServerSettings(Uri Server, string? Token)
{
    /// <summary>The embedded silo's default --http (Silo/Hosting/SiloCommandOptions).</summary>
    public const string DefaultServer = "http://127.0.0.1:8080";

    public static ServerSettings Resolve(string? serverFlag, string? tokenFlag, CliEnvironment env)
    {
        var file = ConfigFile.Read(env.ConfigPath);
        var server = First(serverFlag, env.GetVariable("MICROSEG_SERVER"), file?.Server) ?? DefaultServer;
        var token = First(tokenFlag, env.GetVariable("MICROSEG_TOKEN"), file?.Token);
        if (!Uri.TryCreate(server, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw new CliException($"server: '{server}' is not an http:// or https:// URL.");
        return new ServerSettings(uri, token);
    }

    private static string? First(params string?[] values) => values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));

    /// <summary>The config file: {"server": "http://host:8080", "token": "..."}; both optional.</summary>
    private sealed record ConfigFile(string? Server, string? Token)
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
