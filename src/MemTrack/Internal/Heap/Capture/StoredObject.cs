using MemTrack.Internal.Heap.Graph;

namespace MemTrack.Internal.Heap.Capture;

/// <summary>
/// An object in a thread-static storage array, with the names a field's declared type may have to hold it: its own
/// type's name, then (when its type is loaded) those of its base types and interfaces. Only the object's own type is
/// used (it exists, so it is loaded); no field is resolved.
/// </summary>
internal sealed class StoredObject(int node, string typeName, Func<string, Type?> typeOf)
{
    private HeapTypeNameShape[]? _shapes;

    public int Node { get; } = node;

    public string TypeName { get; } = typeName;

    /// <summary>The object's type, its base types and its interfaces as name trees, most derived first (built on first use).</summary>
    public HeapTypeNameShape[] Shapes => _shapes ??= Build();

    private HeapTypeNameShape[] Build()
    {
        IEnumerable<string> names = typeOf(TypeName) is Type type
            ? [TypeName, .. StaticFieldNames.SelfBasesAndInterfaces(type).Skip(1).Select(RuntimeTypeName.Of)]
            : [TypeName];
        return [.. names.Select(HeapTypeNameShape.Parse).OfType<HeapTypeNameShape>()];
    }
}
