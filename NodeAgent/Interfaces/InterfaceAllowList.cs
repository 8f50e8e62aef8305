using System.Text;
using System.Text.RegularExpressions;

namespace MicroSeg.NodeAgent.Interfaces;

/// <summary>
/// Which devices the agent may attach to: veth devices (the host side of a container's or pod's
/// interface) always, and any device whose name matches one of the --interfaces globs ('*' any
/// run of characters, '?' one character). A workload naming anything else, e.g. the host's uplink
/// by a typo, is refused with a reason instead of having the node's traffic filtered.
/// </summary>
internal sealed class InterfaceAllowList
{
    /// <summary>The link kind (IFLA_INFO_KIND) attached to by default.</summary>
    public const string DefaultKind = "veth";

    private readonly IReadOnlyList<string> _patterns;
    private readonly Regex[] _globs;

    public InterfaceAllowList(IReadOnlyList<string> patterns)
    {
        _patterns = patterns;
        _globs = [.. patterns.Select(ToRegex)];
    }

    /// <summary>Null when the agent may attach to <paramref name="link"/>, else why not and how to allow it.</summary>
    public string? Refusal(LinkInfo link)
    {
        if (link.Kind == DefaultKind || _globs.Any(g => g.IsMatch(link.Name)))
            return null;
        var kind = link.Kind is null ? "a device without a link kind (physical or loopback)" : $"a '{link.Kind}' device";
        var widen = _patterns.Count == 0
            ? $"start the agent with --interfaces '{link.Name}' to allow it"
            : $"it matches none of --interfaces {string.Join(",", _patterns)}";
        return $"'{link.Name}' (ifindex {link.Index}) is {kind}, not veth; the agent attaches only to veth devices by default: {widen}";
    }

    /// <summary>Null when <paramref name="pattern"/> can be used with --interfaces, else why not.</summary>
    public static string? CheckPattern(string pattern)
    {
        if (pattern.Length == 0 || pattern.Any(c => c is '/' or ':' or '\0' || char.IsWhiteSpace(c)))
            return $"--interfaces '{pattern}' is not a device name or glob: '*' and '?' are wildcards; '/', ':', NUL and spaces never occur in device names";
        if (pattern.IndexOfAny(['*', '?']) < 0 && InterfaceNames.Check(pattern) is { } reason)
            return $"--interfaces: {reason}";
        return null;
    }

    private static Regex ToRegex(string glob)
    {
        var pattern = new StringBuilder("^");
        foreach (var c in glob)
        {
            pattern.Append(c switch
            {
                '*' => ".*",
                '?' => ".",
                _ => Regex.Escape(c.ToString()),
            });
        }
        return new Regex(pattern.Append('$').ToString(), RegexOptions.CultureInvariant);
    }
}
