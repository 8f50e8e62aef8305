using System.Reflection;

namespace MicroSeg.Runtime.Activation;

/// <summary>
/// Marks a runtime grain class that every silo hosts for itself and other silos address directly (Orleans'
/// system targets), e.g. the statistics and membership gossip endpoints; it is never placed by the view.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
internal sealed class SystemTargetAttribute : Attribute;

/// <summary>A registered grain class: its grain type name, its scheduling flags, and how to construct it.</summary>
internal sealed class GrainClassInfo
{
    private static readonly MethodInfo s_createState = typeof(GrainActivation).GetMethod(nameof(GrainActivation.CreateState))!;
    private readonly ConstructorInfo _constructor;
    private readonly Func<IServiceProvider, GrainActivation, object?>[] _arguments;

    public GrainClassInfo(Type classType, string grainType)
    {
        ClassType = classType;
        GrainType = grainType;
        Reentrant = classType.IsDefined(typeof(ReentrantAttribute), inherit: true);
        IsSystemTarget = classType.IsDefined(typeof(SystemTargetAttribute), inherit: false);
        if (classType.GetCustomAttribute<StatelessWorkerAttribute>(inherit: true) is { } worker)
            MaxWorkers = worker.MaxLocalWorkers > 0 ? worker.MaxLocalWorkers : Environment.ProcessorCount;
        var constructors = classType.GetConstructors();
        if (constructors.Length == 0)
            throw new InvalidOperationException($"Grain class {classType} has no public constructor.");
        _constructor = constructors.OrderByDescending(c => c.GetParameters().Length).First();
        _arguments = [.. _constructor.GetParameters().Select(Plan)];
    }

    public Type ClassType { get; }

    /// <summary>The grain type name (class name without a "Grain" suffix, lower case), used in grain ids and storage.</summary>
    public string GrainType { get; }

    public bool Reentrant { get; }

    /// <summary>Activations allowed per grain id for a [StatelessWorker] class; 0 otherwise.</summary>
    public int MaxWorkers { get; }

    public bool IsStatelessWorker => MaxWorkers > 0;

    /// <summary>A runtime service of each silo (<see cref="SystemTargetAttribute"/>), addressed to a chosen silo.</summary>
    public bool IsSystemTarget { get; }

    /// <summary>Hosted by whichever silo is called, outside placement: stateless workers and system targets.</summary>
    public bool IsPlacedLocally => IsStatelessWorker || IsSystemTarget;

    public static string GrainTypeOf(Type classType)
    {
        var name = classType.Name;
        var tick = name.IndexOf('`', StringComparison.Ordinal);
        if (tick >= 0)
            name = name[..tick];
        if (name.EndsWith("Grain", StringComparison.Ordinal) && name.Length > 5)
            name = name[..^5];
        return name.ToLowerInvariant();
    }

    public Grain Create(IServiceProvider services, GrainActivation activation)
    {
        var args = new object?[_arguments.Length];
        for (var i = 0; i < args.Length; i++)
            args[i] = _arguments[i](services, activation);
        try
        {
            return (Grain)_constructor.Invoke(args);
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(ex.InnerException);
            throw;
        }
    }

    private Func<IServiceProvider, GrainActivation, object?> Plan(ParameterInfo parameter)
    {
        var type = parameter.ParameterType;
        if (parameter.GetCustomAttribute<PersistentStateAttribute>() is { } state)
        {
            if (!type.IsGenericType || type.GetGenericTypeDefinition() != typeof(IPersistentState<>))
                throw new InvalidOperationException($"{ClassType.Name}: parameter '{parameter.Name}' has [PersistentState] but is not IPersistentState<T>.");
            var create = s_createState.MakeGenericMethod(type.GetGenericArguments()[0])
                .CreateDelegate<Func<GrainActivation, string, string?, object>>();
            return (_, activation) => create(activation, state.StateName, state.StorageName);
        }

        var hasDefault = parameter.HasDefaultValue;
        var defaultValue = hasDefault ? parameter.DefaultValue : null;
        return (services, _) => services.GetService(type) ?? (hasDefault
            ? defaultValue
            : throw new InvalidOperationException($"{ClassType.Name}: no service of type {type} is registered for constructor parameter '{parameter.Name}'."));
    }
}
