using System.CommandLine;
using MicroSeg.Cli.Connection;
using MicroSeg.Cli.Output;

namespace MicroSeg.Cli.Commands;

/// <summary>--server, --token, --ca-file and -o, accepted by every command.</summary>
internal sealed class GlobalOptions
{
    public Option<string?> Server { get; } = new("--server", "-s")
    {
        Description = $"API URL (else $MICROSEG_SERVER, else the config file, else {ServerSettings.DefaultServer})",
        Recursive = true,
    };

    public Option<string?> Token { get; } = new("--token")
    {
        Description = "bearer token (else $MICROSEG_TOKEN, else the config file)",
        Recursive = true,
    };

    public Option<string?> CaFile { get; } = new("--ca-file")
    {
        Description = "for an https:// server, trust only this CA certificate (the cluster's ca.crt), not the machine's store (else $MICROSEG_CA_FILE, else the config file's caFile)",
        Recursive = true,
    };

    public Option<string> Output { get; } = new("--output", "-o")
    {
        Description = "output format: table, json or yaml",
        DefaultValueFactory = _ => "table",
        Recursive = true,
    };

    public GlobalOptions() => Output.AcceptOnlyFromAmong("table", "json", "yaml");

    public void AddTo(Command root)
    {
        root.Options.Add(Server);
        root.Options.Add(Token);
        root.Options.Add(CaFile);
        root.Options.Add(Output);
    }

    /// <summary>Runs a command body with a connected client; a <see cref="CliException"/> becomes one message on stderr and exit code 1.</summary>
    public async Task<int> RunAsync(ParseResult parse, CliEnvironment env, Func<ApiClient, OutputFormat, Task<int>> body)
    {
        try
        {
            var settings = ServerSettings.Resolve(parse.GetValue(Server), parse.GetValue(Token), env, parse.GetValue(CaFile));
            var format = Enum.Parse<OutputFormat>(parse.GetValue(Output)!, ignoreCase: true);
            using var client = ApiClient.Create(settings);
            return await body(client, format);
        }
        catch (CliException ex)
        {
            await env.Error.WriteLineAsync($"error: {ex.Message}");
            return 1;
        }
    }
}
