using System.Globalization;

namespace MemTrack;

/// <summary>One object of a <see cref="HeapSnapshot"/>, as it was when the heap was captured. Equal when it is the same object of the same capture.</summary>
public sealed class HeapObject : IEquatable<HeapObject>
{
    internal HeapObject(HeapSnapshot snapshot, int node)
    {
        Snapshot = snapshot;
        Node = node;
    }

    /// <summary>Its address at the time of the capture (objects move afterwards).</summary>
    public ulong Address => Snapshot.Graph.Addresses[Node];

    /// <summary>The type as the runtime names it.</summary>
    public string TypeName => Snapshot.Graph.TypeName(Node);

    /// <summary>
    /// Its shallow size in bytes, header included, as the GC allocated it: rounded up to the pointer size (a
    /// <c>byte[1]</c> is 32 B on 64-bit), so sizes add up to what <c>GC.GetAllocatedBytesForCurrentThread</c> counted.
    /// </summary>
    public long Size => Snapshot.Graph.Sizes[Node];

    internal HeapSnapshot Snapshot { get; }

    internal int Node { get; }

    /// <summary>Whether both are the same object of the same capture.</summary>
    public static bool operator ==(HeapObject? left, HeapObject? right) => left is null ? right is null : left.Equals(right);

    /// <summary>Whether they are different objects, or of different captures.</summary>
    public static bool operator !=(HeapObject? left, HeapObject? right) => !(left == right);

    /// <inheritdoc/>
    public bool Equals(HeapObject? other) => other is not null && ReferenceEquals(Snapshot, other.Snapshot) && Node == other.Node;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as HeapObject);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Snapshot, Node);

    /// <summary>Formats as <c>MyApp.Order @ 0x7f5e3d809e30 (32 B)</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{TypeName} @ 0x{Address:x} ({Size} B)");
}
