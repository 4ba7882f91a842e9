using System.Reflection;

namespace MemTrack.Internal.Heap.Capture;

/// <summary>
/// The static fields one assembly declares, by field name, and whether it is one of the <see cref="OwnAssemblies"/>
/// or of the runtime's shared framework.
/// A class of MemTrack's own rather than a bare dictionary: <see cref="StaticFieldNames"/> keeps it as a
/// <c>ConditionalWeakTable</c> value, which a heap capture sees as referenced from the (user-reachable) assembly
/// object; an own type there stops the capture's user search, so the index is counted as MemTrack's.
/// </summary>
internal sealed class StaticFieldIndex(Assembly assembly, bool isOwnAssembly, bool isFramework)
{
    /// <summary>Whether the assembly is one of the <see cref="OwnAssemblies"/>.</summary>
    public bool IsOwnAssembly { get; } = isOwnAssembly;

    /// <summary>Whether the assembly is part of the runtime's shared framework (its directory is CoreLib's).</summary>
    public bool IsFramework { get; } = isFramework;

    /// <summary>Per field name, its declarations.</summary>
    public Dictionary<string, List<StaticFieldDeclaration>> Fields { get; } = new(StringComparer.Ordinal);

    /// <summary>The non-thread-static fields whose declaring type is generic and whose type mentions a type parameter (<c>List&lt;T&gt;</c>, <c>T[]</c>; not a bare <c>T</c>).</summary>
    public List<StaticFieldDeclaration> GenericFields { get; } = [];

    /// <summary>The <c>[ThreadStatic]</c> fields, of generic types too.</summary>
    public List<StaticFieldDeclaration> ThreadStaticFields { get; } = [];

    /// <summary>
    /// The field of a metadata token and its type, through reflection; null when either cannot be loaded
    /// (<see cref="FieldInfo.FieldType"/> is resolved lazily and throws when the type's assembly is missing).
    /// </summary>
    public ResolvedField? Resolve(int token)
    {
        try
        {
            FieldInfo? field = assembly.ManifestModule.ResolveField(token);
            return field is null ? null : new ResolvedField(field, field.FieldType);
        }
        catch (Exception ex) when (ex is ArgumentException or TypeLoadException or BadImageFormatException or IOException or MissingMemberException)
        {
            return null;
        }
    }
}
