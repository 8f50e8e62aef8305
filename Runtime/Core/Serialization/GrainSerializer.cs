using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.DependencyInjection;

namespace MicroSeg.Runtime.Serialization;

/// <summary>An extra JSON metadata source (e.g. a source-generated context), consulted before reflection.</summary>
internal sealed record JsonResolverRegistration(IJsonTypeInfoResolver Resolver);

/// <summary>Makes grain and observer references for references read from JSON.</summary>
internal interface IReferenceRuntime
{
    object GrainReference(Type grainInterface, string key);

    /// <summary>A reference to an observer; <paramref name="silo"/> is the silo it is reachable through (cluster mode), when the writer knew it.</summary>
    object ObserverReference(Type observerInterface, Guid owner, Guid id, string? silo);
}

/// <summary>
/// The JSON options of one silo or client: registered resolvers first, then reflection; grain and observer
/// references serialize as their identity and come back as live references of the receiving process.
/// </summary>
internal sealed class GrainSerializer
{
    public GrainSerializer(IEnumerable<JsonResolverRegistration> resolvers, Func<IReferenceRuntime> references)
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.General);
        foreach (var registration in resolvers)
            options.TypeInfoResolverChain.Add(registration.Resolver);
        options.TypeInfoResolverChain.Add(new DefaultJsonTypeInfoResolver());
        options.Converters.Add(new AddressableConverterFactory(references));
        options.MakeReadOnly();
        Options = options;
    }

    public GrainSerializer(IEnumerable<JsonResolverRegistration> resolvers, IServiceProvider services)
        : this(resolvers, services.GetRequiredService<IReferenceRuntime>)
    {
    }

    public JsonSerializerOptions Options { get; }
}
