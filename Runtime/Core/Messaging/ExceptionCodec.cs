using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.ExceptionServices;
using System.Text.Json;

namespace MicroSeg.Runtime.Messaging;

/// <summary>
/// Carries exceptions across the wire as type name, message, parameter name and stack trace, and rebuilds
/// them as the same type when it is known here and has a (message) constructor; otherwise as
/// <see cref="GrainCallException"/>.
/// </summary>
internal static class ExceptionCodec
{
    private static readonly ConcurrentDictionary<string, Type?> s_types = new(StringComparer.Ordinal);

    public static void Write(Utf8JsonWriter json, Exception exception)
    {
        var paramName = (exception as ArgumentException)?.ParamName;
        json.WriteStartObject();
        json.WriteString("type", exception.GetType().FullName);
        json.WriteString("message", RawMessage(exception, paramName));
        if (paramName is not null)
            json.WriteString("paramName", paramName);
        json.WriteString("stackTrace", exception.StackTrace);
        json.WriteEndObject();
    }

    public static Exception Read(ReadOnlySpan<byte> body)
    {
        string? type = null, message = null, paramName = null, stackTrace = null;
        var reader = new Utf8JsonReader(body);
        while (reader.Read())
        {
            if (reader.TokenType != JsonTokenType.PropertyName)
                continue;
            var name = reader.GetString();
            reader.Read();
            var value = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            switch (name)
            {
                case "type": type = value; break;
                case "message": message = value; break;
                case "paramName": paramName = value; break;
                case "stackTrace": stackTrace = value; break;
            }
        }

        type ??= "System.Exception";
        message ??= "";
        var exception = TryCreate(type, message, paramName) ?? new GrainCallException(type, message);
        if (!string.IsNullOrEmpty(stackTrace))
            ExceptionDispatchInfo.SetRemoteStackTrace(exception, stackTrace + Environment.NewLine);
        return exception;
    }

    private static string RawMessage(Exception exception, string? paramName)
    {
        var message = exception.Message;
        var suffix = $" (Parameter '{paramName}')";
        return paramName is not null && message.EndsWith(suffix, StringComparison.Ordinal) ? message[..^suffix.Length] : message;
    }

    private static Exception? TryCreate(string typeName, string message, string? paramName)
    {
        var type = s_types.GetOrAdd(typeName, Resolve);
        if (type is null)
            return null;
        try
        {
            if (paramName is not null && typeof(ArgumentException).IsAssignableFrom(type))
            {
                foreach (var constructor in type.GetConstructors())
                {
                    var parameters = constructor.GetParameters();
                    if (parameters.Length == 2 && parameters.All(p => p.ParameterType == typeof(string)))
                    {
                        var args = parameters.Select(p => p.Name == "paramName" ? paramName : message).ToArray<object?>();
                        if (parameters.Any(p => p.Name == "paramName"))
                            return (Exception)constructor.Invoke(args);
                    }
                }
            }

            return type.GetConstructor([typeof(string)]) is { } withMessage ? (Exception)withMessage.Invoke([message]) : null;
        }
        catch (TargetInvocationException)
        {
            return null;
        }
    }

    private static Type? Resolve(string typeName)
    {
        var type = Type.GetType(typeName, throwOnError: false);
        if (type is null)
        {
            foreach (var assembly in AppDomain.CurrentDomain.GetAssemblies())
            {
                if (assembly.IsDynamic)
                    continue;
                type = assembly.GetType(typeName, throwOnError: false);
                if (type is not null)
                    break;
            }
        }

        return type is { IsAbstract: false } && typeof(Exception).IsAssignableFrom(type) ? type : null;
    }
}
