using System.Reflection;
using MicroSeg.Runtime.Invocation;

namespace MicroSeg.Runtime.Activation;

/// <summary>An assembly whose grain classes (and observer interfaces) the silo registers.</summary>
internal sealed record GrainAssembly(Assembly Assembly);

/// <summary>The grain classes of a silo and the interfaces they implement.</summary>
internal sealed class GrainTypeRegistry
{
    private readonly Dictionary<Type, List<GrainClassInfo>> _byInterface = [];
    private readonly Dictionary<string, GrainClassInfo> _byType = new(StringComparer.Ordinal);

    public GrainTypeRegistry(IEnumerable<GrainAssembly> assemblies)
    {
        foreach (var assembly in assemblies.Select(a => a.Assembly).Distinct())
        {
            foreach (var type in assembly.GetTypes())
            {
                if (type.IsInterface && typeof(IAddressable).IsAssignableFrom(type) && !type.IsGenericTypeDefinition && !IsMarker(type))
                    InterfaceRegistry.For(type);
                if (type.IsClass && !type.IsAbstract && typeof(Grain).IsAssignableFrom(type))
                    Add(type);
            }
        }
    }

    public IEnumerable<GrainClassInfo> Classes => _byType.Values;

    public GrainClassInfo Resolve(Type grainInterface)
    {
        if (!_byInterface.TryGetValue(grainInterface, out var classes))
            throw new ArgumentException($"No grain class implementing {grainInterface} is registered; add its assembly with AddGrains.", nameof(grainInterface));
        if (classes.Count > 1)
            throw new ArgumentException($"{grainInterface} is implemented by several grain classes ({string.Join(", ", classes.Select(c => c.ClassType.Name))}); use a more specific interface.", nameof(grainInterface));
        return classes[0];
    }

    public bool TryGetByGrainType(string grainType, out GrainClassInfo grainClass) => _byType.TryGetValue(grainType, out grainClass!);

    private void Add(Type type)
    {
        var info = new GrainClassInfo(type, GrainClassInfo.GrainTypeOf(type));
        if (_byType.TryGetValue(info.GrainType, out var existing))
        {
            if (existing.ClassType == type)
                return;
            throw new InvalidOperationException($"Grain classes {existing.ClassType} and {type} have the same grain type '{info.GrainType}'; rename one.");
        }

        _byType.Add(info.GrainType, info);
        foreach (var grainInterface in type.GetInterfaces().Where(i => typeof(IGrain).IsAssignableFrom(i) && !IsMarker(i)))
        {
            InterfaceRegistry.For(grainInterface);
            if (!_byInterface.TryGetValue(grainInterface, out var list))
                _byInterface[grainInterface] = list = [];
            list.Add(info);
        }
    }

    private static bool IsMarker(Type type) =>
        type == typeof(IAddressable) || type == typeof(IGrain) || type == typeof(IGrainObserver) ||
        type == typeof(IGrainWithStringKey) || type == typeof(IGrainWithGuidKey) || type == typeof(IGrainWithIntegerKey);
}
