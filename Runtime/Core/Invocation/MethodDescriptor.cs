using System.Reflection;
using MicroSeg.Runtime.Messaging;

namespace MicroSeg.Runtime.Invocation;

/// <summary>
/// Everything the runtime knows about one grain or observer interface method: its wire identity, its flags,
/// and a compiled invoker. Built once per method and cached.
/// </summary>
internal abstract class MethodDescriptor
{
    protected MethodDescriptor(MethodInfo method, ReturnKind kind)
    {
        Method = method;
        Interface = method.DeclaringType!;
        ReturnKind = kind;
        ParameterTypes = [.. method.GetParameters().Select(p => p.ParameterType)];
        Id = $"{TypeNames.Format(Interface)}::{method.Name}({string.Join(",", ParameterTypes.Select(TypeNames.Format))})";
        OneWay = method.IsDefined(typeof(OneWayAttribute));
        AlwaysInterleave = method.IsDefined(typeof(AlwaysInterleaveAttribute));
        if (OneWay && kind is not (ReturnKind.Task or ReturnKind.ValueTask))
            throw new NotSupportedException($"{Id}: [OneWay] methods must return Task or ValueTask.");
    }

    public MethodInfo Method { get; }

    public Type Interface { get; }

    /// <summary>The method's identity on the wire: interface full name, name and parameter types.</summary>
    public string Id { get; }

    public ReturnKind ReturnKind { get; }

    public Type[] ParameterTypes { get; }

    public bool OneWay { get; }

    public bool AlwaysInterleave { get; }

    /// <summary>True for Task and ValueTask: there is no result to carry.</summary>
    public bool ReturnsVoid => ReturnKind is ReturnKind.Task or ReturnKind.ValueTask;

    public abstract Type ResultType { get; }

    /// <summary>Called by a proxy: sends the call to <paramref name="target"/> and returns what the interface method returns.</summary>
    public abstract object Call(IGrainCallTarget target, object?[] args);

    /// <summary>A work item running the call in this process; <paramref name="task"/> completes with its result.</summary>
    public abstract WorkItem CreateLocalCall(object?[] args, long deadline, out Task task);

    /// <summary>A work item running a call that arrived on <paramref name="connection"/>, answering there.</summary>
    public abstract WorkItem CreateIncomingCall(object?[] args, MessageConnection connection, long requestId);

    /// <summary>A pending response for a call sent over the network.</summary>
    public abstract PendingResponse CreatePendingResponse();

    /// <summary>A task of the method's result type, failed with <paramref name="exception"/>.</summary>
    public abstract Task FromException(Exception exception);

    public override string ToString() => Id;
}

/// <summary>A method whose result is <typeparamref name="T"/> (object, always null, for Task and ValueTask).</summary>
internal sealed class MethodDescriptor<T> : MethodDescriptor
{
    public MethodDescriptor(MethodInfo method, ReturnKind kind) : base(method, kind)
    {
        Invoker = InvokerBuilder.Build<T>(method, kind);
    }

    /// <summary>Calls the method on an object implementing the interface, with no reflection per call.</summary>
    public Func<object, object?[], ValueTask<T>> Invoker { get; }

    public override Type ResultType => typeof(T);

    public override object Call(IGrainCallTarget target, object?[] args)
    {
        if (OneWay)
        {
            target.InvokeOneWay(this, args);
            return ReturnKind == ReturnKind.ValueTask ? default(ValueTask) : Task.CompletedTask;
        }

        var task = (Task<T>)target.Invoke(this, args);
        return ReturnKind switch
        {
            ReturnKind.ValueTask => new ValueTask(task),
            ReturnKind.ValueTaskOfT => new ValueTask<T>(task),
            _ => task,
        };
    }

    public override WorkItem CreateLocalCall(object?[] args, long deadline, out Task task)
    {
        var call = new LocalCall<T>(this, args, deadline);
        task = call.Task;
        return call;
    }

    public override WorkItem CreateIncomingCall(object?[] args, MessageConnection connection, long requestId) =>
        new IncomingCall<T>(this, args, connection, requestId);

    public override PendingResponse CreatePendingResponse() => new PendingResponse<T>(this);

    public override Task FromException(Exception exception) => Task.FromException<T>(exception);
}
