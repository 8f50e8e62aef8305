using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;

namespace MicroSeg.Cli.Commands;

/// <summary>--namespace, --since and --until: the slice of flow history that recommend and simulate read.</summary>
internal sealed class WindowOptions
{
    public Option<string?> Namespace { get; } = new("--namespace", "-n") { Description = "only this namespace (default: every namespace)" };

    public Option<string?> Since { get; } = new("--since") { Description = "flows last seen at or after: RFC 3339 time, or a duration back from now such as 30m, 2h, 1d" };

    public Option<string?> Until { get; } = new("--until") { Description = "flows first seen before: RFC 3339 time, or a duration back from now" };

    public void AddTo(Command command)
    {
        command.Options.Add(Namespace);
        command.Options.Add(Since);
        command.Options.Add(Until);
    }

    /// <summary>Adds the given window fields to a request body.</summary>
    public void WriteTo(ParseResult parse, JsonObject body, DateTimeOffset now)
    {
        if (parse.GetValue(Namespace) is { } ns)
            body["namespace"] = ns;
        if (parse.GetValue(Since) is { } since)
            body["since"] = Time(since, "--since", now);
        if (parse.GetValue(Until) is { } until)
            body["until"] = Time(until, "--until", now);
    }

    /// <summary>An RFC 3339 time as given, or "30m"/"2h"/"1d"/"45s" back from <paramref name="now"/>.</summary>
    internal static string Time(string text, string option, DateTimeOffset now)
    {
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) && text.Contains('T', StringComparison.Ordinal))
            return at.ToString("O", CultureInfo.InvariantCulture);
        if (text.Length >= 2 && int.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            TimeSpan? back = text[^1] switch
            {
                's' => TimeSpan.FromSeconds(n),
                'm' => TimeSpan.FromMinutes(n),
                'h' => TimeSpan.FromHours(n),
                'd' => TimeSpan.FromDays(n),
                _ => null,
            };
            if (back is { } span)
                return (now - span).ToString("O", CultureInfo.InvariantCulture);
        }
        throw new CliException($"{option} '{text}' is neither an RFC 3339 time (2026-12-06T10:00:00Z) nor a duration such as 30m, 2h or 1d.");
    }
}
