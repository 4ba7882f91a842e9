namespace MemTrack.Internal.Heap.Graph;

/// <summary>
/// The name a heap capture gives a type: <c>Namespace.Outer+Inner</c>, arrays as <c>Element[]</c>, generic
/// instantiations as <c>Namespace.List`1[Argument]</c> without assembly names (see HeapTypeNamer).
/// </summary>
internal static class RuntimeTypeName
{
    public static string Of(Type type)
    {
        if (type.IsArray)
        {
            return HeapTypeNameFormat.Array(Of(type.GetElementType()!), type.GetArrayRank());
        }

        return !type.IsGenericType || type.IsGenericTypeDefinition
            ? type.FullName ?? type.Name
            : HeapTypeNameFormat.Generic(type.GetGenericTypeDefinition().FullName!, type.GetGenericArguments().Select(Of));
    }
}
