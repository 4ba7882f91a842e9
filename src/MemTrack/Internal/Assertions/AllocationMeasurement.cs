namespace MemTrack.Internal.Assertions;

/// <summary>
/// Measures the exact bytes an action allocates over a number of iterations, after one warm-up call (JIT
/// compilation, type loading and first-call caches are not counted). Synchronous actions run as
/// <see cref="ValueTask"/>s that complete at once, so one code path serves both.
/// </summary>
internal static class AllocationMeasurement
{
    /// <summary>Attempts of a process-wide measurement; the smallest counts, because other threads can only add bytes.</summary>
    private const int ProcessWideAttempts = 3;

    /// <summary>The bytes allocated by <paramref name="iterations"/> calls, the smallest of the attempts while over <paramref name="budget"/>.</summary>
    public static async ValueTask<long> MeasureAsync(Func<ValueTask> action, int iterations, AllocationScopeKind kind, long budget)
    {
        await action().ConfigureAwait(true);
        int attempts = kind == AllocationScopeKind.Process ? ProcessWideAttempts : 1;
        long smallest = long.MaxValue;
        for (int attempt = 0; attempt < attempts && smallest > budget; attempt++)
        {
            long start = AllocationScope.Read(kind);
            for (int i = 0; i < iterations; i++)
            {
                await action().ConfigureAwait(true);
            }

            smallest = Math.Min(smallest, AllocationScope.Read(kind) - start);
        }

        return smallest;
    }

    /// <summary>Runs a synchronous action through the shared path; it completes without waiting.</summary>
    public static long Measure(Action action, int iterations, long budget) =>
        Complete(MeasureAsync(Wrap(action), iterations, AllocationScopeKind.CurrentThread, budget));

    public static Func<ValueTask> Wrap(Action action) => () =>
    {
        action();
        return ValueTask.CompletedTask;
    };

    public static T Complete<T>(ValueTask<T> task) =>
        task.IsCompleted ? task.Result : throw new InvalidOperationException("A synchronous measurement did not complete synchronously.");
}
