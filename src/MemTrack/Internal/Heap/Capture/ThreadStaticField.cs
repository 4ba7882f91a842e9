namespace MemTrack.Internal.Heap.Capture;

/// <summary>A <c>[ThreadStatic]</c> field as a candidate holder of objects in a thread's storage, matched by names only.</summary>
internal sealed class ThreadStaticField(StaticFieldDeclaration declaration)
{
    private const string Object = "System.Object";

    public StaticFieldDeclaration Declaration { get; } = declaration;

    /// <summary>Declared <c>object</c>: holds anything, so it is no evidence of what a storage is.</summary>
    public bool IsObject => Declaration.FieldType == Object;

    /// <summary>The declared type's name as a tree (type parameters as <c>!0</c>), or null when it is not in the heap's format.</summary>
    private HeapTypeNameShape? Shape { get; } = HeapTypeNameShape.Parse(declaration.FieldType);

    /// <summary>
    /// The declaring type's name when the field can hold the object (its declared type's name is the name of the
    /// object's type, a base type or an interface, with the declaring type's parameters bound): the instantiation for
    /// a generic type whose parameters the match binds, else its definition's name; null when it cannot hold it.
    /// </summary>
    public string? Instantiation(StoredObject stored)
    {
        if (Shape is null)
        {
            return null;
        }

        foreach (HeapTypeNameShape shape in stored.Shapes)
        {
            if (RuntimeStaticRoots.Instantiation(Declaration.DeclaringType, Shape, shape, open: true) is string name)
            {
                return name;
            }
        }

        return null;
    }
}
