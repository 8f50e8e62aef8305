using System.Text;

namespace MicroSeg.Runtime.Invocation;

/// <summary>Stable, assembly-free type names for method identities on the wire.</summary>
internal static class TypeNames
{
    public static string Format(Type type)
    {
        var builder = new StringBuilder();
        Append(builder, type);
        return builder.ToString();
    }

    private static void Append(StringBuilder builder, Type type)
    {
        if (type.IsArray)
        {
            Append(builder, type.GetElementType()!);
            builder.Append('[').Append(',', type.GetArrayRank() - 1).Append(']');
            return;
        }

        if (type.IsGenericType)
        {
            var definition = type.GetGenericTypeDefinition();
            builder.Append(definition.FullName ?? definition.Name).Append('<');
            var arguments = type.GetGenericArguments();
            for (var i = 0; i < arguments.Length; i++)
            {
                if (i > 0)
                    builder.Append(',');
                Append(builder, arguments[i]);
            }

            builder.Append('>');
            return;
        }

        builder.Append(type.FullName ?? type.Name);
    }
}
