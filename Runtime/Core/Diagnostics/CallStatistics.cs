using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using MicroSeg.Runtime.Activation;
using MicroSeg.Runtime.Invocation;

namespace MicroSeg.Runtime.Diagnostics;

/// <summary>
/// Where the invocation path records its calls: per-method statistics attached to each silo's grain classes
/// (every silo has its own <see cref="GrainClassInfo"/> objects, so in-process test clusters keep their figures
/// apart). The lookup on the call path is a weak-table read and a dictionary read.
/// </summary>
internal static class CallStatistics
{
    /// <summary>The window rates and percentiles cover.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(60);

    private static readonly ConditionalWeakTable<GrainClassInfo, GrainClassStatistics> s_classes = [];

    // The last lookup of this thread: calls of one method on one grain class tend to come in runs.
    [ThreadStatic]
    private static LastLookup? t_last;

    /// <summary>The statistics that calls of <paramref name="method"/> on <paramref name="grainClass"/> record into.</summary>
    public static MethodStatistics For(GrainClassInfo grainClass, MethodDescriptor method)
    {
        var last = t_last ??= new LastLookup();
        if (ReferenceEquals(last.Class, grainClass) && ReferenceEquals(last.Method, method))
            return last.Statistics!;
        if (!s_classes.TryGetValue(grainClass, out var statistics))
            statistics = s_classes.GetValue(grainClass, static c => new GrainClassStatistics(c.GrainType));
        var found = statistics.For(method);
        (last.Class, last.Method, last.Statistics) = (grainClass, method, found);
        return found;
    }

    /// <summary>The methods of <paramref name="grainClass"/> that were called at least once.</summary>
    public static IEnumerable<MethodStatistics> Of(GrainClassInfo grainClass) =>
        s_classes.TryGetValue(grainClass, out var statistics) ? statistics.Methods : [];
}

internal sealed class LastLookup
{
    public GrainClassInfo? Class;
    public MethodDescriptor? Method;
    public MethodStatistics? Statistics;
}

/// <summary>The called methods of one grain class in one silo.</summary>
internal sealed class GrainClassStatistics(string grainType)
{
    private static readonly Func<MethodDescriptor, string, MethodStatistics> s_create = static (method, grainType) =>
        new MethodStatistics(grainType, $"{method.Interface.Name}.{method.Method.Name}", method.Id, CallStatistics.Window, Stopwatch.GetTimestamp(), Stopwatch.Frequency);

    private readonly ConcurrentDictionary<MethodDescriptor, MethodStatistics> _methods = new();

    public ICollection<MethodStatistics> Methods => _methods.Values;

    public MethodStatistics For(MethodDescriptor method) =>
        _methods.TryGetValue(method, out var statistics) ? statistics : _methods.GetOrAdd(method, s_create, grainType);
}
