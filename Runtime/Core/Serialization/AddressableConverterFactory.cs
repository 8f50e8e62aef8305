using System.Text.Json;
using System.Text.Json.Serialization;
using MicroSeg.Runtime.Invocation;

namespace MicroSeg.Runtime.Serialization;

/// <summary>
/// JSON for every interface deriving from <see cref="IAddressable"/>: a grain reference is
/// <c>{"grain":"IFoo","key":"k"}</c>, an observer reference <c>{"observer":"IFoo","owner":"…","id":"…"}</c>.
/// </summary>
internal sealed class AddressableConverterFactory(Func<IReferenceRuntime> references) : JsonConverterFactory
{
    private IReferenceRuntime? _references;

    public override bool CanConvert(Type typeToConvert) =>
        typeToConvert.IsInterface && typeof(IAddressable).IsAssignableFrom(typeToConvert);

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        (JsonConverter)Activator.CreateInstance(typeof(AddressableConverter<>).MakeGenericType(typeToConvert), this)!;

    private IReferenceRuntime References => _references ??= references();

    private sealed class AddressableConverter<T>(AddressableConverterFactory factory) : JsonConverter<T> where T : class
    {
        public override T? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType == JsonTokenType.Null)
                return null;
            if (reader.TokenType != JsonTokenType.StartObject)
                throw new JsonException($"Expected a grain or observer reference object for {typeof(T).Name}.");
            string? grain = null, key = null, observer = null, owner = null, id = null, silo = null;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
            {
                var name = reader.GetString();
                reader.Read();
                var value = reader.GetString();
                switch (name)
                {
                    case "grain": grain = value; break;
                    case "key": key = value; break;
                    case "observer": observer = value; break;
                    case "owner": owner = value; break;
                    case "id": id = value; break;
                    case "silo": silo = value; break;
                }
            }

            if (grain is not null && key is not null)
                return (T)factory.References.GrainReference(Resolve(grain), key);
            if (observer is not null && Guid.TryParse(owner, out var ownerId) && Guid.TryParse(id, out var observerId))
                return (T)factory.References.ObserverReference(Resolve(observer), ownerId, observerId, silo);
            throw new JsonException($"Malformed reference for {typeof(T).Name}.");
        }

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options)
        {
            if (value is not GrainProxy proxy)
                throw new JsonException($"{value.GetType().Name} is not a reference; pass IGrainFactory.CreateObjectReference<{typeof(T).Name}>(obj) instead of the object.");
            proxy.Target.WriteTo(writer);
        }

        private static Type Resolve(string name) =>
            InterfaceRegistry.TryGetInterface(name, out var info) && typeof(T).IsAssignableFrom(info.Type) ? info.Type : typeof(T);
    }
}
