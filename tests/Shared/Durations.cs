using System.Collections.Concurrent;
using System.Globalization;

namespace MemTrack.Tests.Shared;

/// <summary>Durations of one kind of call, collected from any thread, summarized as count, median, p95 and max.</summary>
internal sealed class Durations
{
    private readonly ConcurrentQueue<TimeSpan> _values = new();

    public int Count => _values.Count;

    public TimeSpan Max => _values.IsEmpty ? TimeSpan.Zero : _values.Max();

    public void Add(TimeSpan value) => _values.Enqueue(value);

    public TimeSpan Percentile(double fraction)
    {
        TimeSpan[] sorted = [.. _values.Order()];
        return sorted.Length == 0 ? TimeSpan.Zero : sorted[Math.Clamp((int)Math.Ceiling(fraction * sorted.Length) - 1, 0, sorted.Length - 1)];
    }

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"n={Count} median={Ms(Percentile(0.5))} p95={Ms(Percentile(0.95))} max={Ms(Max)}");

    private static string Ms(TimeSpan value) => string.Create(CultureInfo.InvariantCulture, $"{value.TotalMilliseconds:0} ms");
}
