namespace MemTrack.Benchmarks;

/// <summary>Summary statistics the harnesses share.</summary>
internal static class BenchStatistics
{
    /// <summary>The median (the mean of the two middle values for an even count); NaN when empty.</summary>
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        int n = sorted.Count;
        return n == 0 ? double.NaN : (sorted[(n - 1) / 2] + sorted[n / 2]) / 2;
    }
}
