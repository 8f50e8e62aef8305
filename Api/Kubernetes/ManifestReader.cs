using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using MicroSeg.Grains.Interfaces.Validation;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
// Scalar.AspNetCore (the API reference page) brings a root namespace named Scalar.
using YamlScalar = YamlDotNet.Core.Events.Scalar;

namespace MicroSeg.Api.Kubernetes;

/// <summary>
/// Reads Kubernetes manifests as kubectl takes them: YAML (one or many documents separated by
/// "---") or JSON, and a List's items, into one JSON object per object. Plain YAML scalars get
/// YAML 1.2 core types (80 is a number, "80" a string), which is what makes `port: 80` and
/// `port: http` differ as they do for the API server.
/// </summary>
/// <remarks>
/// The body is hostile until read: it is built from the parser's event stream with an explicit stack (a
/// recursive loader overflows the thread's stack on a deeply nested body and kills the process) and within
/// <see cref="ManifestLimits"/>: nesting depth, documents, and nodes added by aliases (a "billion laughs"
/// body of a few hundred bytes otherwise expands to gigabytes).
/// </remarks>
internal static partial class ManifestReader
{
    public static (IReadOnlyList<JsonObject> Objects, IReadOnlyList<ValidationError> Errors) Read(string text)
    {
        var roots = new List<JsonNode?>();
        try
        {
            new Loader(roots).Load(new Parser(new StringReader(text)));
        }
        catch (YamlException ex)
        {
            return ([], [new ValidationError("body", $"line {ex.Start.Line}, column {ex.Start.Column}: {ex.InnerException?.Message ?? ex.Message}")]);
        }
        catch (ManifestException ex)
        {
            return ([], [new ValidationError(ex.Field, ex.Message)]);
        }

        var objects = new List<JsonObject>();
        var errors = new List<ValidationError>();
        foreach (var root in roots)
        {
            if (root is null)
                continue;
            if (root is not JsonObject obj)
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
        if (objects.Count > ManifestLimits.MaxDocuments)
            return ([], [new ValidationError("body", $"{objects.Count} objects in one request; at most {ManifestLimits.MaxDocuments}: split the request.")]);
        return (objects, errors);
    }

    /// <summary>A body outside the limits or not representable as JSON; the message names what and where.</summary>
    private sealed class ManifestException(string field, string message) : Exception(message)
    {
        public string Field { get; } = field;
    }

    /// <summary>One open mapping or sequence.</summary>
    private sealed class Frame(JsonNode node, string? anchor, int line)
    {
        public JsonNode Node { get; } = node;
        public string? Anchor { get; } = anchor;
        public int Line { get; } = line;
        public string? Key { get; set; }
        public bool ExpectKey { get; set; } = node is JsonObject;
        public int Height { get; set; }
    }

    /// <summary>An anchored node: what an alias copies, and the copy's cost.</summary>
    private sealed record Anchored(JsonNode? Node, int Height, long Nodes);

    private sealed class Loader(List<JsonNode?> roots)
    {
        private readonly Stack<Frame> _open = new();
        private readonly Dictionary<string, Anchored> _anchors = new(StringComparer.Ordinal);
        private readonly Dictionary<Frame, long> _sizes = [];
        private long _aliasNodes;
        private int _documents;

        public void Load(IParser parser)
        {
            while (parser.MoveNext())
            {
                var line = (int)parser.Current!.Start.Line;
                switch (parser.Current)
                {
                    case DocumentStart:
                        if (++_documents > ManifestLimits.MaxDocuments)
                            throw new ManifestException("body", $"more than {ManifestLimits.MaxDocuments} documents in one request: split the request.");
                        _anchors.Clear();
                        break;
                    case MappingStart map:
                        Open(new JsonObject(), map.Anchor.IsEmpty ? null : map.Anchor.Value, line);
                        break;
                    case SequenceStart seq:
                        Open(new JsonArray(), seq.Anchor.IsEmpty ? null : seq.Anchor.Value, line);
                        break;
                    case MappingEnd or SequenceEnd:
                        Close();
                        break;
                    case YamlScalar scalar:
                        Value(Scalar(scalar, line), 0, 1, scalar.Anchor.IsEmpty ? null : scalar.Anchor.Value, line, scalar.Value);
                        break;
                    case AnchorAlias alias:
                        Alias(alias.Value.Value, line);
                        break;
                }
            }
        }

        private void Open(JsonNode node, string? anchor, int line)
        {
            if (_open.Count >= ManifestLimits.MaxDepth)
                throw new ManifestException("body", $"line {line}: nesting deeper than {ManifestLimits.MaxDepth} levels.");
            if (_open.TryPeek(out var parent) && parent.ExpectKey)
                throw new ManifestException("body", $"line {line}: a mapping key must be a scalar (complex keys are not supported).");
            var frame = new Frame(node, anchor, line);
            _open.Push(frame);
            _sizes[frame] = 1;
        }

        private void Close()
        {
            var frame = _open.Pop();
            var size = _sizes[frame];
            _sizes.Remove(frame);
            Value(frame.Node, frame.Height + 1, size, frame.Anchor, frame.Line, null);
        }

        private void Alias(string name, int line)
        {
            if (!_anchors.TryGetValue(name, out var anchored))
                throw new ManifestException("body", $"line {line}: alias *{name} names no anchor before it.");
            _aliasNodes += anchored.Nodes;
            if (_aliasNodes > ManifestLimits.MaxAliasNodes)
                throw new ManifestException("body", $"line {line}: aliases expand to more than {ManifestLimits.MaxAliasNodes} nodes.");
            if (_open.Count + anchored.Height > ManifestLimits.MaxDepth)
                throw new ManifestException("body", $"line {line}: alias *{name} nests deeper than {ManifestLimits.MaxDepth} levels.");
            Value(anchored.Node?.DeepClone(), anchored.Height, anchored.Nodes, null, line, null);
        }

        /// <summary>Places a finished node in its parent (or as a document root), remembering it when anchored.</summary>
        private void Value(JsonNode? node, int height, long nodes, string? anchor, int line, string? keyText)
        {
            if (anchor is not null)
                _anchors[anchor] = new Anchored(node?.DeepClone(), height, nodes);
            if (!_open.TryPeek(out var parent))
            {
                roots.Add(node);
                return;
            }
            parent.Height = Math.Max(parent.Height, height);
            _sizes[parent] += nodes;
            if (parent.Node is JsonArray array)
            {
                array.Add(node);
                return;
            }
            var map = (JsonObject)parent.Node;
            if (parent.ExpectKey)
            {
                if (keyText is null)
                    throw new ManifestException("body", $"line {line}: a mapping key must be a scalar (complex keys are not supported).");
                parent.Key = keyText;
                parent.ExpectKey = false;
                return;
            }
            if (map.ContainsKey(parent.Key!))
                throw new ManifestException("body", $"line {line}: key '{parent.Key}' appears twice in one mapping.");
            map[parent.Key!] = node;
            parent.ExpectKey = true;
        }
    }

    private static JsonNode? Scalar(YamlScalar scalar, int line)
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
        if (Integer().IsMatch(value))
        {
            return long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number)
                ? JsonValue.Create(number)
                : throw new ManifestException("body", $"line {line}: the number {Shorten(value)} is out of range.");
        }
        if (Float().IsMatch(value))
        {
            return double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var real) && double.IsFinite(real)
                ? JsonValue.Create(real)
                : throw new ManifestException("body", $"line {line}: the number {Shorten(value)} is out of range.");
        }
        return JsonValue.Create(value);
    }

    private static string Shorten(string value) => value.Length <= 40 ? value : value[..40] + "…";

    [GeneratedRegex("^[-+]?[0-9]+$")]
    private static partial Regex Integer();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex Float();
}
