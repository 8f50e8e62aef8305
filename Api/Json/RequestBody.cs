using System.Text.Json;
using MicroSeg.Grains.Interfaces.Validation;
using Microsoft.AspNetCore.Http;

namespace MicroSeg.Api.Json;

/// <summary>Reads a JSON request body, turning every kind of bad input into errors that name the field.</summary>
internal static partial class RequestBody
{
    public static async Task<(T? Value, IReadOnlyList<ValidationError> Errors)> ReadAsync<T>(HttpRequest request, CancellationToken cancellationToken)
        where T : class
    {
        if (request.ContentType is { } type && !type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) && !type.Contains("+json", StringComparison.OrdinalIgnoreCase))
            return (null, [new ValidationError("body", $"content type '{type}' is not supported: send application/json.")]);
        try
        {
            var value = await JsonSerializer.DeserializeAsync<T>(request.Body, ApiJson.Options, cancellationToken);
            return value is null
                ? (null, [new ValidationError("body", "the body is empty or null: send a JSON object.")])
                : (value, []);
        }
        catch (JsonException ex) when (MissingRequired().Match(ex.Message) is { Success: true } missing)
        {
            return (null, missing.Groups[1].Value.Split(", ").Select(name => name.Trim('\''))
                .Select(name => new ValidationError(name, $"'{name}' is required (for a selector, {{}} selects every workload).")).ToList());
        }
        catch (JsonException ex)
        {
            var field = string.IsNullOrEmpty(ex.Path) || ex.Path == "$" ? "body" : ex.Path.TrimStart('$', '.');
            return (null, [new ValidationError(field, Describe(ex))]);
        }
    }

    [System.Text.RegularExpressions.GeneratedRegex("missing required properties,? including(?: the following)?: (.+?)\\.?$")]
    private static partial System.Text.RegularExpressions.Regex MissingRequired();

    private static string Describe(JsonException ex)
    {
        // System.Text.Json's messages name .NET types; keep the first sentence, which says what was wrong.
        var message = ex.Message;
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return (cut > 0 ? message[..cut] : message).Replace("MicroSeg.Grains.Interfaces.", "", StringComparison.Ordinal);
    }
}
