using System.Reflection;

namespace MicroSeg.Runtime.Invocation;

/// <summary>
/// The base of generated reference types (System.Reflection.DispatchProxy). New references are clones of one
/// template per interface with a different target, so making a reference costs no reflection.
/// </summary>
internal class GrainProxy : DispatchProxy
{
    internal IGrainCallTarget Target { get; private set; } = null!;

    internal GrainProxy WithTarget(IGrainCallTarget target)
    {
        var proxy = (GrainProxy)MemberwiseClone();
        proxy.Target = target;
        return proxy;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
        InterfaceRegistry.GetMethod(targetMethod!).Call(Target, args ?? []);

    public override bool Equals(object? obj) => obj is GrainProxy other && Target.Equals(other.Target);

    public override int GetHashCode() => Target.GetHashCode();

    public override string? ToString() => Target.ToString();
}
