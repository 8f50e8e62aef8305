using System.Globalization;
using System.Text;
using MicroSeg.Grains.Interfaces.Validation;
using Microsoft.AspNetCore.Http;

namespace MicroSeg.Api.Paging;

/// <summary>
/// Keyset paging of the id-ordered lists (?limit=&amp;cursor=): a cursor is the last id of the previous page, so a
/// page neither repeats nor skips items when others are added or removed between requests.
/// </summary>
internal static class IdPaging
{
    /// <summary>The largest page a client may ask for.</summary>
    public const int MaxLimit = 1000;

    private const string Prefix = "id1:";

    /// <summary>What the query asks for: no paging (null limit), or a page size and the id to continue after.</summary>
    public sealed record Request(int? Limit, string? After);

    /// <summary>Reads ?limit= and ?cursor=, adding an error naming each bad one; a cursor without a limit is an error.</summary>
    public static Request Parse(IQueryCollection query, List<ValidationError> errors)
    {
        int? limit = null;
        if (Single(query, "limit", errors) is { } limitText)
        {
            if (int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value is >= 1 and <= MaxLimit)
                limit = value;
            else
                errors.Add(new ValidationError("limit", $"'{limitText}' is not a whole number from 1 to {MaxLimit}."));
        }
        string? after = null;
        if (Single(query, "cursor", errors) is { } cursor)
        {
            after = ReadCursor(cursor);
            if (after is null)
                errors.Add(new ValidationError("cursor", "not a cursor this API returned; pass the 'next' value of the previous page unchanged."));
            else if (!query.ContainsKey("limit"))
                errors.Add(new ValidationError("cursor", "needs limit: give the same limit as for the previous page."));
        }
        return new Request(limit, after);
    }

    /// <summary>The page of <paramref name="items"/> (ordered by id, ordinal) after the request's cursor.</summary>
    public static ListPage<TOut> Page<TIn, TOut>(IReadOnlyList<TIn> items, Func<TIn, string> id, Request request, Func<TIn, TOut> view)
    {
        var limit = request.Limit ?? throw new ArgumentException("not a paged request", nameof(request));
        var start = 0;
        if (request.After is { } after)
        {
            // Binary search for the first id above the cursor; the indexes keep their lists ordered by id.
            int lo = 0, hi = items.Count;
            while (lo < hi)
            {
                var mid = (lo + hi) >>> 1;
                if (string.CompareOrdinal(id(items[mid]), after) <= 0)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            start = lo;
        }
        var count = Math.Min(limit, items.Count - start);
        var page = new TOut[count];
        for (var i = 0; i < count; i++)
            page[i] = view(items[start + i]);
        var more = start + count < items.Count;
        return new ListPage<TOut>(page, more ? WriteCursor(id(items[start + count - 1])) : null);
    }

    internal static string WriteCursor(string lastId) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(Prefix + lastId)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    internal static string? ReadCursor(string cursor)
    {
        try
        {
            var text = cursor.Replace('-', '+').Replace('_', '/');
            text += new string('=', (4 - text.Length % 4) % 4);
            var plain = new UTF8Encoding(false, true).GetString(Convert.FromBase64String(text));
            return plain.StartsWith(Prefix, StringComparison.Ordinal) && plain.Length > Prefix.Length ? plain[Prefix.Length..] : null;
        }
        catch (Exception e) when (e is FormatException or DecoderFallbackException)
        {
            return null;
        }
    }

    private static string? Single(IQueryCollection query, string name, List<ValidationError> errors)
    {
        if (!query.TryGetValue(name, out var values))
            return null;
        if (values.Count != 1 || string.IsNullOrEmpty(values[0]))
        {
            errors.Add(new ValidationError(name, "give it once, with a value."));
            return null;
        }
        return values[0];
    }
}
