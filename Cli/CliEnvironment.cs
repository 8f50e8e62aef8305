using Spectre.Console;

namespace MicroSeg.Cli;

/// <summary>What a run of microsegctl reads and writes outside its arguments: kept in one place so tests run the CLI in-process with their own output and environment.</summary>
/// <param name="Out">Standard output (tables, JSON, YAML).</param>
/// <param name="Error">Standard error (problems, failures).</param>
/// <param name="GetVariable">Environment variable lookup.</param>
/// <param name="ConfigPath">The config file consulted after flags and environment variables.</param>
internal sealed record CliEnvironment(TextWriter Out, TextWriter Error, Func<string, string?> GetVariable, string ConfigPath)
{
    public static CliEnvironment FromProcess() =>
        new(Console.Out, Console.Error, Environment.GetEnvironmentVariable, DefaultConfigPath(Environment.GetEnvironmentVariable));

    /// <summary>$XDG_CONFIG_HOME/microseg/config.json, else ~/.config/microseg/config.json.</summary>
    public static string DefaultConfigPath(Func<string, string?> getVariable)
    {
        var root = getVariable("XDG_CONFIG_HOME");
        if (string.IsNullOrEmpty(root))
            root = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config");
        return Path.Combine(root, "microseg", "config.json");
    }

    /// <summary>A Spectre console on <see cref="Out"/>; wide and colourless when not a terminal so tables are not cut.</summary>
    public IAnsiConsole CreateConsole()
    {
        var terminal = ReferenceEquals(Out, Console.Out) && !Console.IsOutputRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(Out),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        if (!terminal)
            console.Profile.Width = 240;
        return console;
    }
}
