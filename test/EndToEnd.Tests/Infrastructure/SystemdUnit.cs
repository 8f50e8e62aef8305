using System.Text.RegularExpressions;

namespace MicroSeg.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A unit of deploy/systemd and its EnvironmentFile template, turned into the program, arguments and environment
/// systemd would start, so a test runs exactly the documented command lines. Expansion as systemd.service(5)
/// documents it: "${VAR}" becomes one word, a word that is "$VAR" alone splits the value at white space.
/// </summary>
internal sealed partial class SystemdUnit
{
    private SystemdUnit(string execStart, string environmentFile)
    {
        ExecStart = execStart;
        EnvironmentFile = environmentFile;
    }

    /// <summary>The ExecStart= line's command.</summary>
    public string ExecStart { get; }

    /// <summary>The EnvironmentFile= path the unit reads.</summary>
    public string EnvironmentFile { get; }

    public static SystemdUnit Load(string unit)
    {
        var lines = File.ReadAllLines(Path.Combine(RepoPaths.Root, "deploy", "systemd", unit));
        string Value(string key) => lines.Single(l => l.StartsWith(key + "=", StringComparison.Ordinal))[(key.Length + 1)..].Trim();
        return new SystemdUnit(Value("ExecStart"), Value("EnvironmentFile"));
    }

    /// <summary>The variables of an EnvironmentFile: KEY=value lines, surrounding double quotes removed, comments skipped.</summary>
    public static Dictionary<string, string> ReadEnvironment(string file) =>
        File.ReadAllLines(Path.Combine(RepoPaths.Root, "deploy", "systemd", file))
            .Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.Split('=', 2)).ToDictionary(kv => kv[0], kv => kv[1].Trim('"'), StringComparer.Ordinal);

    /// <summary>The program and its arguments with <paramref name="environment"/> expanded.</summary>
    public (string Program, string[] Args) Expand(IReadOnlyDictionary<string, string> environment)
    {
        var words = new List<string>();
        foreach (var word in ExecStart.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (WholeVariable().Match(word) is { Success: true } whole)
                words.AddRange(environment.GetValueOrDefault(whole.Groups[1].Value, "").Split(' ', StringSplitOptions.RemoveEmptyEntries));
            else
                words.Add(BracedVariable().Replace(word, m => environment.GetValueOrDefault(m.Groups[1].Value, "")));
        }
        return (words[0], [.. words.Skip(1)]);
    }

    /// <summary>An argument string with one option's value replaced (or the option appended when absent).</summary>
    public static string WithOption(string args, string option, string value)
    {
        var pattern = new Regex($@"(^|\s){Regex.Escape(option)}\s+\S+");
        return pattern.IsMatch(args) ? pattern.Replace(args, m => $"{m.Groups[1].Value}{option} {value}", 1) : $"{args} {option} {value}";
    }

    [GeneratedRegex(@"^\$([A-Za-z_][A-Za-z0-9_]*)$")]
    private static partial Regex WholeVariable();

    [GeneratedRegex(@"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")]
    private static partial Regex BracedVariable();
}
