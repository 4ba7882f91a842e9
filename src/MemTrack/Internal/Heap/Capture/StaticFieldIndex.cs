namespace MemTrack.Internal.Heap.Capture;

/// <summary>
/// The static fields one assembly declares, by field name, and whether it is one of the <see cref="OwnAssemblies"/>.
/// A class of MemTrack's own rather than a bare dictionary: <see cref="StaticFieldNames"/> keeps it as a
/// <c>ConditionalWeakTable</c> value, which a heap capture sees as referenced from the (user-reachable) assembly
/// object; an own type there stops the capture's user search, so the index is counted as MemTrack's.
/// </summary>
internal sealed class StaticFieldIndex(bool isOwnAssembly)
{
    /// <summary>Whether the assembly is one of the <see cref="OwnAssemblies"/>.</summary>
    public bool IsOwnAssembly { get; } = isOwnAssembly;

    /// <summary>Per field name, the declaring types and declared field types.</summary>
    public Dictionary<string, List<(string DeclaringType, string FieldType)>> Fields { get; } = new(StringComparer.Ordinal);
}
