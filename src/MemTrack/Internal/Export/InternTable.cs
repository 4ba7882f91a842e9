namespace MemTrack.Internal.Export;

/// <summary>
/// Distinct values numbered in the order they were first seen (0, 1, 2, ...): the string, frame and function tables
/// of export formats, which refer to entries by position.
/// </summary>
/// <typeparam name="T">The value type.</typeparam>
internal sealed class InternTable<T>(IEqualityComparer<T>? comparer = null)
    where T : notnull
{
    private readonly Dictionary<T, int> _indices = new(comparer);
    private readonly List<T> _values = [];

    /// <summary>The distinct values, each at its index.</summary>
    public IReadOnlyList<T> Values => _values;

    /// <summary>The index of <paramref name="value"/>, added at the end when it is new.</summary>
    public int Intern(T value)
    {
        if (!_indices.TryGetValue(value, out int index))
        {
            index = _values.Count;
            _indices.Add(value, index);
            _values.Add(value);
        }

        return index;
    }
}
