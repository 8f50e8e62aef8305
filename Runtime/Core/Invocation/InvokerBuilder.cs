using System.Linq.Expressions;
using System.Reflection;

namespace MicroSeg.Runtime.Invocation;

/// <summary>Compiles <c>(target, args) =&gt; ((IFoo)target).Method((A0)args[0], ...)</c> into a delegate once per method.</summary>
internal static class InvokerBuilder
{
    public static Func<object, object?[], ValueTask<T>> Build<T>(MethodInfo method, ReturnKind kind)
    {
        var target = Expression.Parameter(typeof(object), "target");
        var args = Expression.Parameter(typeof(object?[]), "args");
        var arguments = method.GetParameters().Select((p, i) =>
            (Expression)Expression.Convert(Expression.ArrayIndex(args, Expression.Constant(i)), p.ParameterType));
        var call = Expression.Call(Expression.Convert(target, method.DeclaringType!), method, arguments);
        Expression body = kind switch
        {
            ReturnKind.TaskOfT => Expression.New(typeof(ValueTask<T>).GetConstructor([typeof(Task<T>)])!, call),
            ReturnKind.ValueTaskOfT => call,
            ReturnKind.Task => Expression.Call(typeof(InvokerBuilder).GetMethod(nameof(FromTask), BindingFlags.NonPublic | BindingFlags.Static)!, call),
            _ => Expression.Call(typeof(InvokerBuilder).GetMethod(nameof(FromValueTask), BindingFlags.NonPublic | BindingFlags.Static)!, call),
        };
        return Expression.Lambda<Func<object, object?[], ValueTask<T>>>(body, target, args).Compile();
    }

    private static ValueTask<object?> FromTask(Task task)
    {
        if (task.IsCompletedSuccessfully)
            return default;
        return Await(task);

        static async ValueTask<object?> Await(Task task)
        {
            await task.ConfigureAwait(false);
            return null;
        }
    }

    private static ValueTask<object?> FromValueTask(ValueTask task)
    {
        if (task.IsCompletedSuccessfully)
            return default;
        return Await(task);

        static async ValueTask<object?> Await(ValueTask task)
        {
            await task.ConfigureAwait(false);
            return null;
        }
    }
}
