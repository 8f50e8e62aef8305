namespace MicroSeg.Runtime.Invocation;

/// <summary>The shape of a grain method's return type.</summary>
internal enum ReturnKind
{
    Task,
    TaskOfT,
    ValueTask,
    ValueTaskOfT,
}
