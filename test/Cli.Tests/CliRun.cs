namespace MicroSeg.Cli.Tests;

/// <summary>Runs microsegctl in-process with captured output, a given environment and a config path of its own.</summary>
internal sealed record CliRun(int ExitCode, string Out, string Error)
{
    public static async Task<CliRun> RunAsync(IReadOnlyDictionary<string, string>? environment, string configPath, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var env = new CliEnvironment(output, error, name => environment?.GetValueOrDefault(name), configPath);
        var code = await CliApp.RunAsync(args, env, CancellationToken.None);
        return new CliRun(code, output.ToString(), error.ToString());
    }

    /// <summary>Runs against the fixture's server and admin token given with --server and --token, no environment, no config file.</summary>
    public static Task<CliRun> AgainstAsync(SiloFixture silo, params string[] args) =>
        RunAsync(null, "/nonexistent/microseg/config.json", ["--server", silo.Server, "--token", silo.Token, .. args]);
}
