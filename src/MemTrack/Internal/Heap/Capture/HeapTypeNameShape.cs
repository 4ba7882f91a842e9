using System.Globalization;
using MemTrack.Internal.Heap.Graph;

namespace MemTrack.Internal.Heap.Capture;

/// <summary>
/// A type name in the heap's format (<see cref="HeapTypeNameFormat"/>) as a tree, for matching a static field's
/// declared type (from metadata, type parameters as <c>!0</c>) against an object's type name without loading either
/// type: <c>Ns.List`1[!0]</c> against <c>Ns.List`1[Ns.Order]</c> binds <c>!0</c> to <c>Ns.Order</c>.
/// </summary>
internal sealed class HeapTypeNameShape
{
    private const int MaxDepth = 64;

    private HeapTypeNameShape(string text, string? name, HeapTypeNameShape[] arguments, string? arraySuffix, HeapTypeNameShape? element)
    {
        Text = text;
        Name = name;
        Arguments = arguments;
        ArraySuffix = arraySuffix;
        Element = element;
    }

    /// <summary>The whole name.</summary>
    public string Text { get; }

    /// <summary>The named type's (or generic definition's) name; null for an array.</summary>
    public string? Name { get; }

    /// <summary>Generic arguments of a named type.</summary>
    public HeapTypeNameShape[] Arguments { get; }

    /// <summary>An array's rank suffix (<c>[]</c>, <c>[,]</c>, <c>[*]</c>); null for a named type.</summary>
    public string? ArraySuffix { get; }

    /// <summary>An array's element.</summary>
    public HeapTypeNameShape? Element { get; }

    /// <summary>What two names must share to match: the generic definition's or type's name, or the array suffix.</summary>
    public string Head => ArraySuffix ?? Name!;

    /// <summary>The tree of a heap type name, or null when it is not in the heap's format.</summary>
    public static HeapTypeNameShape? Parse(string text)
    {
        int at = 0;
        HeapTypeNameShape? shape = Read(text, ref at, 0);
        return shape is not null && at == text.Length ? shape : null;
    }

    /// <summary>
    /// The number of generic parameters of a type definition's heap name: the arities of its segments summed
    /// (<c>Ns.Outer`1+Inner`2</c> has 3, as the runtime counts a nested type's parameters).
    /// </summary>
    public static int ParameterCount(string definition) => definition.Split('+').Sum(TypeNamePattern.Arity);

    /// <summary>
    /// Matches this name, which may mention type parameters (<c>!0</c>), against an object's type name, binding each
    /// parameter to the name of the type it stands for; false when they differ or one parameter would need two types.
    /// </summary>
    public bool Unify(HeapTypeNameShape actual, string?[] bindings)
    {
        if (ArraySuffix is not null)
        {
            return actual.ArraySuffix == ArraySuffix && Element!.Unify(actual.Element!, bindings);
        }

        if (Arguments.Length == 0 && Name!.StartsWith('!'))
        {
            if (!int.TryParse(Name.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out int position) || position >= bindings.Length)
            {
                return false; // a method's parameter (!!0), or out of range
            }

            bindings[position] ??= actual.Text;
            return bindings[position] == actual.Text;
        }

        if (actual.Name != Name || actual.Arguments.Length != Arguments.Length)
        {
            return false;
        }

        for (int i = 0; i < Arguments.Length; i++)
        {
            if (!Arguments[i].Unify(actual.Arguments[i], bindings))
            {
                return false;
            }
        }

        return true;
    }

    private static HeapTypeNameShape? Read(string text, ref int at, int depth)
    {
        if (depth > MaxDepth)
        {
            return null;
        }

        int start = at;
        while (at < text.Length && text[at] is not ('[' or ']' or ','))
        {
            at++;
        }

        if (at == start)
        {
            return null;
        }

        string name = text[start..at];
        HeapTypeNameShape[] arguments = [];
        if (at < text.Length && text[at] == '[' && !IsArraySuffix(text, at))
        {
            var list = new List<HeapTypeNameShape>();
            do
            {
                at++;
                if (Read(text, ref at, depth + 1) is not HeapTypeNameShape argument)
                {
                    return null;
                }

                list.Add(argument);
            }
            while (at < text.Length && text[at] == ',');

            if (at >= text.Length || text[at] != ']')
            {
                return null;
            }

            at++;
            arguments = [.. list];
        }

        var shape = new HeapTypeNameShape(text[start..at], name, arguments, null, null);
        while (at < text.Length && text[at] == '[' && IsArraySuffix(text, at))
        {
            int open = at;
            at = text.IndexOf(']', at) + 1;
            shape = new HeapTypeNameShape(text[start..at], null, [], text[open..at], shape);
        }

        return shape;
    }

    /// <summary>Whether the bracket at <paramref name="at"/> opens an array rank (<c>[]</c>, <c>[,,]</c>, <c>[*]</c>) rather than generic arguments.</summary>
    private static bool IsArraySuffix(string text, int at)
    {
        int i = at + 1;
        if (i < text.Length && text[i] == '*')
        {
            return i + 1 < text.Length && text[i + 1] == ']';
        }

        while (i < text.Length && text[i] == ',')
        {
            i++;
        }

        return i < text.Length && text[i] == ']';
    }
}
