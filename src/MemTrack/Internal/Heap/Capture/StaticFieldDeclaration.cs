using System.Runtime.CompilerServices;

namespace MemTrack.Internal.Heap.Capture;

/// <summary>One static field as an assembly's metadata declares it; resolved through reflection only when needed.</summary>
/// <param name="index">The index of the declaring assembly (which resolves the field and says whose it is).</param>
/// <param name="declaringType">The declaring type's heap name (a generic one by its definition, <c>Ns.Registry`1</c>).</param>
/// <param name="name">The field's name.</param>
/// <param name="fieldType">The declared field type's heap name; type parameters as <c>!0</c>, <c>!1</c>.</param>
/// <param name="token">The field's metadata token.</param>
/// <param name="isThreadStatic">Marked <c>[ThreadStatic]</c>.</param>
internal sealed class StaticFieldDeclaration(StaticFieldIndex index, string declaringType, string name, string fieldType, int token, bool isThreadStatic)
{
    private StrongBox<ResolvedField?>? _resolved;

    public StaticFieldIndex Index { get; } = index;

    public string DeclaringType { get; } = declaringType;

    public string Name { get; } = name;

    public string FieldType { get; } = fieldType;

    public bool IsThreadStatic { get; } = isThreadStatic;

    /// <summary>
    /// The field and its type through reflection (which loads its declaring type and its field type, without running
    /// a static constructor), or null when either cannot be loaded. Resolved once; safe to read from several threads
    /// (two first readers may both resolve, to equal results).
    /// </summary>
    public ResolvedField? Resolved =>
        LazyInitializer.EnsureInitialized(ref _resolved, () => new StrongBox<ResolvedField?>(Index.Resolve(token))).Value;
}
