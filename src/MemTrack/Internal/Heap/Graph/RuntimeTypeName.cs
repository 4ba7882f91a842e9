using System.Text;

namespace MemTrack.Internal.Heap.Graph;

/// <summary>
/// The name a heap capture gives a type: <c>Namespace.Outer+Inner</c>, arrays as <c>Element[]</c>, generic
/// instantiations as <c>Namespace.List`1[Argument]</c> without assembly names (see HeapTypeNamer).
/// </summary>
internal static class RuntimeTypeName
{
    public static string Of(Type type)
    {
        var text = new StringBuilder();
        Append(text, type);
        return text.ToString();
    }

    private static void Append(StringBuilder text, Type type)
    {
        if (type.IsArray)
        {
            Append(text, type.GetElementType()!);
            text.Append('[').Append(',', type.GetArrayRank() - 1).Append(']');
            return;
        }

        if (!type.IsGenericType || type.IsGenericTypeDefinition)
        {
            text.Append(type.FullName ?? type.Name);
            return;
        }

        Type definition = type.GetGenericTypeDefinition();
        text.Append(definition.FullName);
        text.Append('[');
        Type[] arguments = type.GetGenericArguments();
        for (int i = 0; i < arguments.Length; i++)
        {
            if (i > 0)
            {
                text.Append(',');
            }

            Append(text, arguments[i]);
        }

        text.Append(']');
    }
}
