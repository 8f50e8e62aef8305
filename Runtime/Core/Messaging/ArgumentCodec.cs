using System.Text.Json;
using MicroSeg.Runtime.Invocation;

namespace MicroSeg.Runtime.Messaging;

/// <summary>Reads the JSON array of a request's arguments, each by its declared parameter type.</summary>
internal static class ArgumentCodec
{
    public static object?[] Read(ReadOnlySpan<byte> body, MethodDescriptor method, JsonSerializerOptions options)
    {
        var types = method.ParameterTypes;
        var args = types.Length == 0 ? [] : new object?[types.Length];
        var reader = new Utf8JsonReader(body);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
            throw new JsonException($"{method.Id}: the arguments are not a JSON array.");
        for (var i = 0; i < types.Length; i++)
        {
            if (!reader.Read() || reader.TokenType == JsonTokenType.EndArray)
                throw new JsonException($"{method.Id}: expected {types.Length} arguments, got {i}.");
            args[i] = JsonSerializer.Deserialize(ref reader, options.GetTypeInfo(types[i]));
        }

        return args;
    }
}
