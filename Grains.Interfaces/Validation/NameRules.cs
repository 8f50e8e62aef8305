using System.Text.RegularExpressions;

namespace MicroSeg.Grains.Interfaces.Validation;

/// <summary>Syntax of ids, node names, label keys and values (Kubernetes rules) and interface names (Linux rules).</summary>
public static partial class NameRules
{
    /// <summary>Checks an object id or node name: a DNS subdomain (lower-case letters, digits, '-' and '.', at most 253).</summary>
    public static string? CheckId(string? value, string what)
    {
        if (string.IsNullOrEmpty(value))
            return $"{what} is required.";
        if (value.Length > 253 || !DnsSubdomain().IsMatch(value))
            return $"{what} '{value}' is invalid: use lower-case letters, digits, '-' and '.', starting and ending with a letter or digit, at most 253 characters.";
        return null;
    }

    /// <summary>Checks a label key: optional DNS-subdomain prefix and '/', then a name of at most 63 characters.</summary>
    public static string? CheckLabelKey(string key)
    {
        var slash = key.IndexOf('/');
        var name = slash < 0 ? key : key[(slash + 1)..];
        if (slash >= 0)
        {
            var prefix = key[..slash];
            if (prefix.Length == 0 || prefix.Length > 253 || !DnsSubdomain().IsMatch(prefix))
                return $"label key '{key}' has an invalid prefix: the part before '/' must be a DNS subdomain such as 'example.com'.";
        }
        if (name.Length == 0 || name.Length > 63 || !LabelName().IsMatch(name))
            return $"label key '{key}' is invalid: the name must be 1-63 characters of letters, digits, '-', '_' and '.', starting and ending with a letter or digit.";
        return null;
    }

    /// <summary>Checks a label value: empty, or at most 63 characters of letters, digits, '-', '_' and '.'.</summary>
    public static string? CheckLabelValue(string key, string? value)
    {
        if (value is null)
            return $"label '{key}' has no value: use a string (it may be empty).";
        if (value.Length > 63 || (value.Length > 0 && !LabelName().IsMatch(value)))
            return $"label '{key}' has invalid value '{value}': use at most 63 characters of letters, digits, '-', '_' and '.', starting and ending with a letter or digit.";
        return null;
    }

    /// <summary>Checks a port name (IANA service name rules, as Kubernetes): 1-15 lower-case letters, digits and '-', a letter, no "--".</summary>
    public static string? CheckPortName(string name)
    {
        if (name.Length is 0 or > 15 || !name.Any(char.IsAsciiLetterLower) || name.Contains("--", StringComparison.Ordinal)
            || name[0] == '-' || name[^1] == '-' || !name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
            return $"port name '{name}' is invalid: 1-15 lower-case letters, digits and '-', with at least one letter, not starting or ending with '-' and no \"--\".";
        return null;
    }

    /// <summary>
    /// Checks a Linux network device name as the kernel does (dev_valid_name): 1-15 bytes (IFNAMSIZ less the
    /// terminating NUL, counted in UTF-8 because the kernel counts bytes), not "." or "..", no '/', ':',
    /// whitespace or NUL. Control characters are refused too: no tool can show such a name.
    /// </summary>
    public static string? CheckInterface(string value)
    {
        var bytes = System.Text.Encoding.UTF8.GetByteCount(value);
        if (bytes is 0 or > 15 || value is "." or ".." || value.Any(c => c is '/' or ':' || char.IsWhiteSpace(c) || char.IsControl(c)))
            return $"interface '{Printable(value)}' is not a valid Linux device name: 1-15 bytes, not '.' or '..', without '/', ':', whitespace or control characters (NUL included).";
        return null;
    }

    /// <summary>The name with control characters escaped, so an error message never carries a NUL.</summary>
    private static string Printable(string value) =>
        string.Concat(value.Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));

    [GeneratedRegex("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")]
    private static partial Regex DnsSubdomain();

    [GeneratedRegex("^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$")]
    private static partial Regex LabelName();
}
