namespace MemTrack.Internal.Decoding;

/// <summary>
/// Short names that compare a runtime's type or method name with an IL operand's: a type by its own name without
/// namespace, enclosing types or generic arguments, with <c>[]</c> for an array (<c>System.Collections.Generic.List`1[System.Int32][]</c>
/// -> <c>List`1[]</c>); a method by its name after the type (<c>Ns.Type..ctor</c> -> <c>.ctor</c>). A generic parameter is <c>*</c>.
/// </summary>
internal static class SimpleNames
{
    public const string GenericParameter = "*";

    public static string OfType(string fullName)
    {
        string name = fullName;
        int arrays = 0;
        while (name.EndsWith(']'))
        {
            int open = MatchingOpen(name);
            if (open < 0)
            {
                break;
            }

            bool isArray = name.AsSpan(open + 1, name.Length - open - 2).Trim().TrimStart(',').IsEmpty || name[open + 1] is ',' or '*' or ']';
            name = name[..open];
            if (isArray)
            {
                arrays++;
            }
        }

        int cut = name.LastIndexOfAny(['.', '+', '/']);
        name = cut >= 0 ? name[(cut + 1)..] : name;
        return arrays == 0 ? name : name + "[]";
    }

    public static string OfMethod(string fullName)
    {
        if (fullName.EndsWith("..ctor", StringComparison.Ordinal) || fullName.EndsWith("..cctor", StringComparison.Ordinal))
        {
            return fullName[(fullName.LastIndexOf("..", StringComparison.Ordinal) + 1)..];
        }

        int cut = fullName.LastIndexOf('.');
        return cut >= 0 && cut < fullName.Length - 1 ? fullName[(cut + 1)..] : fullName;
    }

    /// <summary>Whether an IL operand's type <paramref name="il"/> (possibly a generic parameter) can be <paramref name="allocated"/>.</summary>
    public static bool TypesMatch(string il, string allocated) =>
        string.Equals(il, allocated, StringComparison.Ordinal)
        || il == GenericParameter
        || (il == GenericParameter + "[]" && allocated.EndsWith("[]", StringComparison.Ordinal));

    private static int MatchingOpen(string name)
    {
        int depth = 0;
        for (int i = name.Length - 1; i >= 0; i--)
        {
            if (name[i] == ']')
            {
                depth++;
            }
            else if (name[i] == '[' && --depth == 0)
            {
                return i;
            }
        }

        return -1;
    }
}
