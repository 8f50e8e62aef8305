using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MicroSeg.Cli.Connection;

/// <summary>An error answer of the API; the message carries the problem's title, detail and every field it names.</summary>
internal sealed class ApiProblemException : CliException
{
    private ApiProblemException(HttpStatusCode status, string header, IReadOnlyList<(string Field, string Message)> errors)
        : base(header + string.Concat(errors.Select(e => $"\n  {e.Field}: {e.Message}")))
    {
        Status = status;
        Header = header;
        Errors = errors;
    }

    public HttpStatusCode Status { get; }

    /// <summary>The fields the problem names (its "errors" extension), in order.</summary>
    public IReadOnlyList<(string Field, string Message)> Errors { get; }

    private string Header { get; }

    /// <summary>The same problem with its fields renamed, e.g. to the document of the apply file they belong to.</summary>
    public ApiProblemException Renamed(string context, Func<string, string> rename) =>
        new(Status, $"{context}: {Header}", Errors.Select(e => (rename(e.Field), e.Message)).ToArray());

    public static ApiProblemException From(HttpMethod method, string path, HttpStatusCode status, string body)
    {
        var header = $"{method} /{path.TrimStart('/')}: {(int)status} {status}";
        var errors = new List<(string, string)>();
        JsonNode? problem = null;
        try
        {
            problem = string.IsNullOrWhiteSpace(body) ? null : JsonNode.Parse(body);
        }
        catch (JsonException)
        {
        }
        if (problem is JsonObject obj)
        {
            if (obj["title"] is JsonValue title)
                header += $": {title}";
            switch (obj["errors"])
            {
                case JsonArray list:
                    errors.AddRange(list.OfType<JsonObject>().Select(e => (e["field"]?.ToString() ?? "", e["message"]?.ToString() ?? "")));
                    break;
                case JsonObject byField:
                    // ASP.NET's validation problem shape: {"field": ["message", ...]}.
                    errors.AddRange(byField.Select(kv => (kv.Key, kv.Value is JsonArray m ? string.Join(" ", m) : kv.Value?.ToString() ?? "")));
                    break;
            }
            if (errors.Count == 0 && obj["detail"] is JsonValue detail)
                header += $"\n  {detail}";
        }
        else if (!string.IsNullOrWhiteSpace(body))
        {
            header += $"\n  {body.Trim()}";
        }
        return new ApiProblemException(status, header, errors);
    }
}
