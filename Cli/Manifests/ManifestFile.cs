using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace MicroSeg.Cli.Manifests;

/// <summary>
/// Reads an apply file: YAML (one or many documents separated by ---) or JSON (JSON is read as YAML's flow style).
/// A "List" document (kind ending in List, as kubectl writes them) contributes its items. Each object keeps
/// its position in the file, so errors name documents[i] as the user counts them.
/// </summary>
internal static partial class ManifestFile
{
    public static IReadOnlyList<JsonObject> Read(string path, string text)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException ex)
        {
            throw new CliException($"{path}: line {ex.Start.Line}, column {ex.Start.Column}: {ex.InnerException?.Message ?? ex.Message}");
        }
        var objects = new List<JsonObject>();
        foreach (var document in stream.Documents)
        {
            if (document.RootNode is YamlScalarNode { Value: null or "" })
                continue;
            if (ToJson(document.RootNode) is not JsonObject obj)
                throw new CliException($"{path}: documents[{objects.Count}]: a document must be an object with a kind.");
            if (obj["kind"] is JsonValue kind && kind.GetValueKind() == JsonValueKind.String
                && ((string)kind!).EndsWith("List", StringComparison.Ordinal) && obj["items"] is JsonArray items)
                objects.AddRange(items.OfType<JsonObject>().Select(i => (JsonObject)i.DeepClone()));
            else
                objects.Add(obj);
        }
        if (objects.Count == 0)
            throw new CliException($"{path}: no document found.");
        return objects;
    }

    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(kv =>
            KeyValuePair.Create(((YamlScalarNode)kv.Key).Value ?? "", ToJson(kv.Value)))),
        YamlSequenceNode seq => new JsonArray(seq.Children.Select(ToJson).ToArray()),
        YamlScalarNode scalar => Scalar(scalar),
        _ => null,
    };

    /// <summary>Quoted scalars stay strings; plain ones become null, booleans and numbers where YAML 1.2's core schema says so.</summary>
    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var value = scalar.Value ?? "";
        if (scalar.Style is not (ScalarStyle.Plain or ScalarStyle.Any))
            return JsonValue.Create(value);
        return value switch
        {
            "" or "~" or "null" or "Null" or "NULL" => null,
            "true" or "True" or "TRUE" => JsonValue.Create(true),
            "false" or "False" or "FALSE" => JsonValue.Create(false),
            _ when Integer().IsMatch(value) && long.TryParse(value, CultureInfo.InvariantCulture, out var n) => JsonValue.Create(n),
            _ when Real().IsMatch(value) && double.TryParse(value, CultureInfo.InvariantCulture, out var d) => JsonValue.Create(d),
            _ => JsonValue.Create(value),
        };
    }

    [GeneratedRegex(@"^[-+]?[0-9]+$")]
    private static partial Regex Integer();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex Real();
}
