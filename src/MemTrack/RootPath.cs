using System.Text;

namespace MemTrack;

/// <summary>
/// The shortest chain of references from a GC root to an object (objgraph's <c>find_backref_chain</c>): what keeps
/// the object alive.
/// </summary>
public sealed class RootPath
{
    internal RootPath(RootKind rootKind, string rootName, IReadOnlyList<HeapObject> objects)
    {
        RootKind = rootKind;
        RootName = rootName;
        Objects = objects;
    }

    /// <summary>What kind of root holds the first object.</summary>
    public RootKind RootKind { get; }

    /// <summary>
    /// The root, as precisely as it can be named: <c>DeclaringType.field</c> for a static or thread-static field (see
    /// <see cref="MemTrack.RootKind"/> for ambiguous names), the handle kind (<c>strong handle</c>, <c>pinned handle</c>,
    /// or <c>runtime statics table (...)</c> for the runtime's own), <c>finalization queue</c>, <c>thread stack</c> or
    /// <c>thread-static storage of a thread</c>.
    /// </summary>
    public string RootName { get; }

    /// <summary>The objects from the one the root holds down to the target (last).</summary>
    public IReadOnlyList<HeapObject> Objects { get; }

    /// <summary>One hop per line, root first.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append('[').Append(RootKind).Append("] ").AppendLine(RootName);
        foreach (HeapObject hop in Objects)
        {
            text.Append("  -> ").AppendLine(hop.ToString());
        }

        return text.ToString();
    }
}
