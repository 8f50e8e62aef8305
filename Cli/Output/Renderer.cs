using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;
using YamlDotNet.Serialization;

namespace MicroSeg.Cli.Output;

/// <summary>Prints API answers as a Spectre table, indented JSON or YAML.</summary>
internal static class Renderer
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>Prints one object or an array of objects; a table shows the given columns, one row per object.</summary>
    public static void Write(CliEnvironment env, OutputFormat format, JsonNode? data, (string Header, string Property)[] columns)
    {
        switch (format)
        {
            case OutputFormat.Json:
                env.Out.WriteLine(data?.ToJsonString(Indented) ?? "null");
                break;
            case OutputFormat.Yaml:
                env.Out.Write(ToYaml(data));
                break;
            default:
                WriteTable(env.CreateConsole(), data, columns);
                break;
        }
    }

    private static void WriteTable(IAnsiConsole console, JsonNode? data, (string Header, string Property)[] columns)
    {
        var rows = data switch
        {
            JsonArray array => array.OfType<JsonObject>().ToList(),
            JsonObject one => [one],
            _ => [],
        };
        if (rows.Count == 0)
        {
            console.WriteLine("No resources found.");
            return;
        }
        var table = new Table().Border(TableBorder.Simple);
        foreach (var (header, _) in columns)
            table.AddColumn(new TableColumn(header).NoWrap());
        foreach (var row in rows)
            table.AddRow(columns.Select(c => Markup.Escape(Cell(row[c.Property]))).ToArray());
        console.Write(table);
    }

    /// <summary>One cell: scalars as text, maps as k=v, lists joined, selectors by their matchLabels, rule lists by count.</summary>
    internal static string Cell(JsonNode? node) => node switch
    {
        null => "",
        JsonValue value => value.ToString(),
        JsonObject { Count: 0 } => "",
        JsonObject obj when obj["matchLabels"] is JsonObject labels && obj.Count == 1 => Cell(labels),
        JsonObject obj => string.Join(",", obj.Select(kv => $"{kv.Key}={Cell(kv.Value)}")),
        JsonArray array when array.All(i => i is JsonValue) => string.Join(",", array.Select(Cell)),
        JsonArray array => $"{array.Count} rule(s)",
        _ => node.ToJsonString(),
    };

    /// <summary>JSON as plain YAML.</summary>
    public static string ToYaml(JsonNode? data) => new SerializerBuilder().Build().Serialize(ToPlain(data));

    /// <summary>JSON → dictionaries, lists and scalars so YamlDotNet writes plain YAML.</summary>
    private static object? ToPlain(JsonNode? node) => node switch
    {
        null => null,
        JsonObject obj => obj.ToDictionary(kv => kv.Key, kv => ToPlain(kv.Value)),
        JsonArray array => array.Select(ToPlain).ToList(),
        JsonValue value => value.GetValueKind() switch
        {
            JsonValueKind.String => value.GetValue<string>(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Number => decimal.Parse(value.ToJsonString(), CultureInfo.InvariantCulture),
            _ => null,
        },
        _ => null,
    };
}
