using System.Globalization;
using System.Text;
using MicroSeg.Grains.Interfaces.Flows;
using MicroSeg.Grains.Interfaces.Validation;
using Microsoft.AspNetCore.Http;

namespace MicroSeg.Api.Flows;

/// <summary>Reads the query string of GET /api/v1/flows, collecting an error per bad parameter.</summary>
internal static class FlowQueryParser
{
    private static readonly string[] Known = ["src", "dst", "namespace", "verdict", "policy", "since", "until", "limit", "cursor", "follow"];

    public static (FlowQuery Query, bool Follow, IReadOnlyList<ValidationError> Errors) Parse(IQueryCollection q)
    {
        var errors = new List<ValidationError>();
        foreach (var key in q.Keys.Where(k => !Known.Contains(k, StringComparer.Ordinal)))
            errors.Add(new ValidationError(key, $"unknown parameter; the flow filters are {string.Join(", ", Known)}."));
        string? Id(string name)
        {
            var value = Single(q, name, errors);
            if (value is not null && NameRules.CheckId(value, name) is { } error)
                errors.Add(new ValidationError(name, error));
            return value;
        }
        var src = Id("src");
        var dst = Id("dst");
        var ns = Id("namespace");
        var verdict = Single(q, "verdict", errors);
        if (verdict is not null && !FlowWords.TryParse(verdict, out _))
            errors.Add(new ValidationError("verdict", $"'{verdict}' is not a verdict; use allow, deny or would-deny."));
        var policy = Single(q, "policy", errors);
        var since = Time(q, "since", errors);
        var until = Time(q, "until", errors);
        if (since is not null && until is not null && until <= since)
            errors.Add(new ValidationError("until", "must be later than since."));
        var limit = 100;
        if (Single(q, "limit", errors) is { } limitText
            && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > FlowQuery.MaxLimit))
            errors.Add(new ValidationError("limit", $"'{limitText}' is not a whole number from 1 to {FlowQuery.MaxLimit}."));
        long? before = null;
        if (Single(q, "cursor", errors) is { } cursor)
        {
            before = Cursor.Read(cursor);
            if (before is null)
                errors.Add(new ValidationError("cursor", "not a cursor this API returned; pass the 'next' value of the previous page unchanged."));
        }
        var follow = false;
        if (Single(q, "follow", errors) is { } followText && !bool.TryParse(followText, out follow))
            errors.Add(new ValidationError("follow", $"'{followText}' is not true or false."));
        if (follow && before is not null)
            errors.Add(new ValidationError("cursor", "cannot be combined with follow=true, which streams flows from now on."));
        return (new FlowQuery(src, dst, ns, verdict, policy, since, until, limit, before), follow, errors);
    }

    private static string? Single(IQueryCollection q, string name, List<ValidationError> errors)
    {
        if (!q.TryGetValue(name, out var values))
            return null;
        if (values.Count != 1 || string.IsNullOrEmpty(values[0]))
        {
            errors.Add(new ValidationError(name, "give it once, with a value."));
            return null;
        }
        return values[0];
    }

    private static DateTimeOffset? Time(IQueryCollection q, string name, List<ValidationError> errors) =>
        Single(q, name, errors) is { } text ? Time(text, name, errors) : null;

    /// <summary>An RFC 3339 time; an error naming <paramref name="name"/> otherwise.</summary>
    internal static DateTimeOffset? Time(string text, string name, List<ValidationError> errors)
    {
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
            return time;
        errors.Add(new ValidationError(name, $"'{text}' is not a time; use RFC 3339, e.g. 2026-12-06T10:00:00Z."));
        return null;
    }

    /// <summary>Page cursors: the history id to continue before, opaque to clients.</summary>
    internal static class Cursor
    {
        private const string Prefix = "f1:";

        public static string Write(long before) =>
            Convert.ToBase64String(Encoding.ASCII.GetBytes(Prefix + before.ToString(CultureInfo.InvariantCulture))).TrimEnd('=').Replace('+', '-').Replace('/', '_');

        public static long? Read(string cursor)
        {
            try
            {
                var text = cursor.Replace('-', '+').Replace('_', '/');
                text += new string('=', (4 - text.Length % 4) % 4);
                var plain = Encoding.ASCII.GetString(Convert.FromBase64String(text));
                return plain.StartsWith(Prefix, StringComparison.Ordinal)
                    && long.TryParse(plain.AsSpan(Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0 ? id : null;
            }
            catch (FormatException)
            {
                return null;
            }
        }
    }
}
