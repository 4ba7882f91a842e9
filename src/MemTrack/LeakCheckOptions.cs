namespace MemTrack;

/// <summary>
/// Settings for <see cref="MemoryAssert.NoLeaks(Action, LeakCheckOptions)"/>. Two options objects with equal values are
/// equal; <see cref="IgnoredTypes"/> are equal when they hold the same names, in any order and any collection.
/// </summary>
public sealed record LeakCheckOptions
{
    /// <summary>
    /// Calls measured. Default 10; at least 1. From 2 on they run in two rounds (half each) with a heap capture after
    /// each, and only growth in both rounds counts as a leak, so a type that grows once (a cache filling, a pool
    /// growing) does not fail the check. A suspected leak runs up to two more rounds to confirm it (each as long as
    /// all the calls before it), so a failing check calls the action up to about four times as often.
    /// </summary>
    public int Iterations { get; init; } = 10;

    /// <summary>Calls before the first capture, not measured: lazy initialization, caches that fill once. Default 1; 0 or more.</summary>
    public int WarmupIterations { get; init; } = 1;

    /// <summary>Objects a type may gain over the measured calls without failing the check. Default 0; 0 or more.</summary>
    public int AllowedObjects { get; init; }

    /// <summary>
    /// Bytes a type whose object count does not grow may gain (an array or collection that is resized, such as a
    /// static <c>List&lt;int&gt;</c>'s backing array) without failing the check. Default 0; 0 or more.
    /// </summary>
    public long AllowedBytes { get; init; }

    /// <summary>Types whose growth is expected, by the name <see cref="TypeStatistic.TypeName"/> shows (e.g. <c>System.String</c>). Default none.</summary>
    public IReadOnlyCollection<string> IgnoredTypes { get; init; } = [];

    /// <summary>Options of each heap capture. Default <see cref="HeapCaptureOptions"/>' defaults.</summary>
    public HeapCaptureOptions Capture { get; init; } = new();

    /// <inheritdoc />
    public bool Equals(LeakCheckOptions? other) =>
        other is not null
        && Iterations == other.Iterations
        && WarmupIterations == other.WarmupIterations
        && AllowedObjects == other.AllowedObjects
        && AllowedBytes == other.AllowedBytes
        && Capture == other.Capture
        && (ReferenceEquals(IgnoredTypes, other.IgnoredTypes)
            || (IgnoredTypes is not null && other.IgnoredTypes is not null
                && new HashSet<string>(IgnoredTypes, StringComparer.Ordinal).SetEquals(other.IgnoredTypes)));

    /// <inheritdoc />
    public override int GetHashCode()
    {
        int names = 0;
        foreach (string name in IgnoredTypes?.Distinct(StringComparer.Ordinal) ?? [])
        {
            names ^= StringComparer.Ordinal.GetHashCode(name);
        }

        return HashCode.Combine(Iterations, WarmupIterations, AllowedObjects, AllowedBytes, Capture, names);
    }

    /// <summary>Checks the values and throws <see cref="ArgumentOutOfRangeException"/> or <see cref="ArgumentNullException"/> naming the bad one.</summary>
    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Iterations, 1, nameof(Iterations));
        ArgumentOutOfRangeException.ThrowIfNegative(WarmupIterations, nameof(WarmupIterations));
        ArgumentOutOfRangeException.ThrowIfNegative(AllowedObjects, nameof(AllowedObjects));
        ArgumentOutOfRangeException.ThrowIfNegative(AllowedBytes, nameof(AllowedBytes));
        ArgumentNullException.ThrowIfNull(IgnoredTypes, nameof(IgnoredTypes));
        ArgumentNullException.ThrowIfNull(Capture, nameof(Capture));
        Capture.Validate();
    }
}
