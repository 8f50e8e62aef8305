using System.Collections.Concurrent;
using System.Reflection;

namespace MicroSeg.Runtime.Invocation;

/// <summary>A grain or observer interface: its wire name, its methods and the proxy template for references.</summary>
internal sealed class InterfaceInfo(Type type, string name, GrainProxy template, IReadOnlyList<MethodDescriptor> methods)
{
    public Type Type { get; } = type;

    public string Name { get; } = name;

    public IReadOnlyList<MethodDescriptor> Methods { get; } = methods;

    public object CreateReference(IGrainCallTarget target) => template.WithTarget(target);
}

/// <summary>Process-wide cache of interface and method descriptors (types are process-wide, so is this).</summary>
internal static class InterfaceRegistry
{
    private static readonly ConcurrentDictionary<Type, InterfaceInfo> s_byType = new();
    private static readonly ConcurrentDictionary<string, InterfaceInfo> s_byName = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, MethodDescriptor> s_byId = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<MethodInfo, MethodDescriptor> s_byMethod = new(ReferenceEqualityComparer.Instance);
    private static readonly ConcurrentDictionary<MethodInfo, MethodDescriptor> s_byMethodEquality = new();

    public static InterfaceInfo For(Type type) => s_byType.TryGetValue(type, out var info) ? info : s_byType.GetOrAdd(type, Build);

    public static bool TryGetInterface(string name, out InterfaceInfo info) => s_byName.TryGetValue(name, out info!);

    public static bool TryGetMethod(string id, out MethodDescriptor method) => s_byId.TryGetValue(id, out method!);

    public static MethodDescriptor GetMethod(MethodInfo method)
    {
        if (s_byMethod.TryGetValue(method, out var descriptor))
            return descriptor;
        For(method.DeclaringType!);
        descriptor = s_byMethodEquality.TryGetValue(method, out var found)
            ? found
            : throw new InvalidOperationException($"{method.DeclaringType}.{method.Name} is not a method of a registered grain interface.");
        s_byMethod.TryAdd(method, descriptor);
        return descriptor;
    }

    private static InterfaceInfo Build(Type type)
    {
        if (!type.IsInterface || !typeof(IAddressable).IsAssignableFrom(type))
            throw new ArgumentException($"{type} is not an interface deriving from IAddressable (IGrain or IGrainObserver).", nameof(type));
        if (type.IsGenericType)
            throw new NotSupportedException($"{type}: generic grain interfaces are not supported.");

        var methods = new List<MethodDescriptor>();
        foreach (var declaring in type.GetInterfaces().Append(type))
        {
            foreach (var method in declaring.GetMethods())
            {
                var descriptor = s_byMethodEquality.GetOrAdd(method, CreateDescriptor);
                s_byId.TryAdd(descriptor.Id, descriptor);
                methods.Add(descriptor);
            }
        }

        var template = (GrainProxy)DispatchProxy.Create(type, typeof(GrainProxy));
        var info = new InterfaceInfo(type, TypeNames.Format(type), template, methods);
        s_byName.TryAdd(info.Name, info);
        return info;
    }

    private static MethodDescriptor CreateDescriptor(MethodInfo method)
    {
        var where = $"{method.DeclaringType}.{method.Name}";
        if (method.IsGenericMethodDefinition)
            throw new NotSupportedException($"{where}: generic grain methods are not supported.");
        if (method.GetParameters().Any(p => p.ParameterType.IsByRef))
            throw new NotSupportedException($"{where}: ref, out and in parameters are not supported.");

        var returnType = method.ReturnType;
        var (kind, result) = returnType switch
        {
            _ when returnType == typeof(Task) => (ReturnKind.Task, typeof(object)),
            _ when returnType == typeof(ValueTask) => (ReturnKind.ValueTask, typeof(object)),
            { IsGenericType: true } when returnType.GetGenericTypeDefinition() == typeof(Task<>) => (ReturnKind.TaskOfT, returnType.GetGenericArguments()[0]),
            { IsGenericType: true } when returnType.GetGenericTypeDefinition() == typeof(ValueTask<>) => (ReturnKind.ValueTaskOfT, returnType.GetGenericArguments()[0]),
            _ => throw new NotSupportedException($"{where}: grain methods must return Task, Task<T>, ValueTask or ValueTask<T>."),
        };
        return (MethodDescriptor)Activator.CreateInstance(typeof(MethodDescriptor<>).MakeGenericType(result), method, kind)!;
    }
}
