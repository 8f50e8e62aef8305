using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using MicroSeg.Grains.Interfaces.Validation;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace MicroSeg.Api.Kubernetes;

/// <summary>
/// Reads Kubernetes manifests as kubectl takes them: YAML (one or many documents separated by
/// "---") or JSON, and a List's items, into one JSON object per object. Plain YAML scalars get
/// YAML 1.2 core types (80 is a number, "80" a string), which is what makes `port: 80` and
/// `port: http` differ as they do for the API server.
/// </summary>
internal static partial class ManifestReader
{
    public static (IReadOnlyList<JsonObject> Objects, IReadOnlyList<ValidationError> Errors) Read(string text)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException ex)
        {
            return ([], [new ValidationError("body", $"line {ex.Start.Line}, column {ex.Start.Column}: {ex.InnerException?.Message ?? ex.Message}")]);
        }

        var objects = new List<JsonObject>();
        var errors = new List<ValidationError>();
        foreach (var document in stream.Documents)
        {
            if (document.RootNode is YamlScalarNode { Value: null or "" })
                continue;
            var node = ToJson(document.RootNode);
            if (node is not JsonObject obj)
            {
                errors.Add(new ValidationError($"documents[{objects.Count}]", "a document must be an object (a NetworkPolicy or a List of them)."));
                continue;
            }
            if (obj["kind"]?.GetValueKind() == System.Text.Json.JsonValueKind.String
                && ((string)obj["kind"]!).EndsWith("List", StringComparison.Ordinal) && obj["items"] is JsonArray items)
            {
                objects.AddRange(items.OfType<JsonObject>().Select(i => (JsonObject)i.DeepClone()));
                continue;
            }
            objects.Add(obj);
        }
        if (objects.Count == 0 && errors.Count == 0)
            errors.Add(new ValidationError("body", "no document found: send one or more NetworkPolicy objects in YAML or JSON."));
        return (objects, errors);
    }

    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(kv =>
            KeyValuePair.Create(((YamlScalarNode)kv.Key).Value ?? "", ToJson(kv.Value)))),
        YamlSequenceNode seq => new JsonArray(seq.Children.Select(ToJson).ToArray()),
        YamlScalarNode scalar => Scalar(scalar),
        _ => null,
    };

    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var value = scalar.Value ?? "";
        if (scalar.Style is not (ScalarStyle.Plain or ScalarStyle.Any))
            return JsonValue.Create(value);
        if (value is "" or "~" or "null" or "Null" or "NULL")
            return null;
        if (value is "true" or "True" or "TRUE")
            return JsonValue.Create(true);
        if (value is "false" or "False" or "FALSE")
            return JsonValue.Create(false);
        if (Integer().IsMatch(value) && long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
            return JsonValue.Create(number);
        if (Float().IsMatch(value) && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var real))
            return JsonValue.Create(real);
        return JsonValue.Create(value);
    }

    [GeneratedRegex("^[-+]?[0-9]+$")]
    private static partial Regex Integer();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex Float();
}
