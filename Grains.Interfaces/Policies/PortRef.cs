using Orleans;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace MicroSeg.Grains.Interfaces.Policies;

/// <summary>
/// A port given by number (80) or by the name of a workload's container port ("http"), as
/// Kubernetes' IntOrString. In JSON it is a number or a string.
/// </summary>
/// <param name="Number">The port number, when given by number.</param>
/// <param name="Name">The port name, when given by name.</param>
[JsonConverter(typeof(PortRefJsonConverter))]
[GenerateSerializer, Immutable, Alias("microseg.PortRef")]
public readonly record struct PortRef(int? Number, string? Name)
{
    /// <summary>A port by number.</summary>
    public static implicit operator PortRef(int number) => new(number, null);

    /// <summary>A port by name.</summary>
    public static implicit operator PortRef(string name) => new(null, name);

    /// <summary>The number or the name.</summary>
    public override string ToString() => Number?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? Name ?? "";
}

/// <summary>Reads and writes <see cref="PortRef"/> as a JSON number or string.</summary>
public sealed class PortRefJsonConverter : JsonConverter<PortRef>
{
    /// <inheritdoc />
    public override PortRef Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType switch
        {
            JsonTokenType.Number when reader.TryGetInt32(out var number) => new PortRef(number, null),
            JsonTokenType.String => new PortRef(null, reader.GetString()),
            _ => throw new JsonException("a port is a number (80) or the name of a workload port (\"http\")."),
        };

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, PortRef value, JsonSerializerOptions options)
    {
        if (value.Number is { } number)
            writer.WriteNumberValue(number);
        else
            writer.WriteStringValue(value.Name);
    }
}
