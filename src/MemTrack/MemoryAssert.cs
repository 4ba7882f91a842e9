using System.Globalization;
using MemTrack.Internal.Assertions;

namespace MemTrack;

/// <summary>
/// Memory assertions for unit tests, in any test framework: a failure throws <see cref="MemoryAssertionException"/>
/// with the exact figure, the limit and where the memory went. Allocation checks use the runtime's exact counters;
/// heap checks (<see cref="NoLeaks(Action, int)"/>, <see cref="Collected(WeakReference)"/>,
/// <see cref="InstancesOf{T}(int)"/>) capture the heap with <see cref="HeapSnapshot"/> and name the root that
/// holds what should be gone.
/// </summary>
/// <remarks>
/// Heap checks force full garbage collections and pause the process for a heap capture each (a fraction of a second
/// for a test host); allocation checks cost nothing extra when they pass. When an allocation check fails, the action
/// runs again, under a tracer of its own (the application's is left alone), to find the allocation sites for the message (see <see cref="AllocatesAtMost(long, Action, int)"/>).
/// </remarks>
public static partial class MemoryAssert
{
    /// <summary>
    /// Asserts that <paramref name="action"/> allocates nothing on the current thread: it is called once to warm up
    /// (JIT, type loading, first-call caches), then <paramref name="iterations"/> times while the thread's exact
    /// allocation counter runs.
    /// </summary>
    /// <param name="action">The code under test.</param>
    /// <param name="iterations">Calls measured. Default 1; at least 1.</param>
    /// <exception cref="ArgumentNullException"><paramref name="action"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="iterations"/> is below 1.</exception>
    /// <exception cref="MemoryAssertionException">It allocated; the message has the exact bytes per iteration and the top allocation sites.</exception>
    public static void AllocatesNothing(Action action, int iterations = 1) => AllocatesAtMost(0, action, iterations);

    /// <summary>
    /// Asserts that <paramref name="action"/> allocates at most <paramref name="bytesPerIteration"/> bytes per call on
    /// the current thread, exactly (<see cref="GC.GetAllocatedBytesForCurrentThread"/>, which other threads do not
    /// disturb). It is called once to warm up, then <paramref name="iterations"/> times measured; the total is
    /// compared with the budget times the iterations. On failure the action runs again under a tracer of its own, which keeps only this thread's samples (for up to
    /// about 2 s or 4 MiB of allocations) so the message can name the allocation sites.
    /// </summary>
    /// <param name="bytesPerIteration">The budget per call, in bytes; 0 or more.</param>
    /// <param name="action">The code under test.</param>
    /// <param name="iterations">Calls measured. Default 1; at least 1.</param>
    /// <exception cref="ArgumentNullException"><paramref name="action"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="bytesPerIteration"/> is negative or <paramref name="iterations"/> is below 1.</exception>
    /// <exception cref="MemoryAssertionException">It allocated more; the message has the exact bytes per iteration and the top allocation sites.</exception>
    public static void AllocatesAtMost(long bytesPerIteration, Action action, int iterations = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytesPerIteration);
        ArgumentNullException.ThrowIfNull(action);
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, 1);
        long budget = Budget(bytesPerIteration, iterations);
        long measured = AllocationMeasurement.Measure(action, iterations, budget);
        if (measured > budget)
        {
            throw AllocationFailure(bytesPerIteration, measured, iterations, AllocationScopeKind.CurrentThread, AllocationSiteProbe.Describe(action, iterations));
        }
    }

    /// <summary>
    /// Asserts that an asynchronous <paramref name="action"/> allocates nothing, counted process-wide (see
    /// <see cref="AllocatesAtMostAsync(long, Func{Task}, int)"/>).
    /// </summary>
    /// <param name="action">The code under test.</param>
    /// <param name="iterations">Calls measured. Default 1; at least 1.</param>
    /// <returns>A task that fails with <see cref="MemoryAssertionException"/> when it allocated.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="action"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="iterations"/> is below 1.</exception>
    public static Task AllocatesNothingAsync(Func<Task> action, int iterations = 1) => AllocatesAtMostAsync(0, action, iterations);

    /// <summary>
    /// Asserts that an asynchronous <paramref name="action"/> allocates at most <paramref name="bytesPerIteration"/>
    /// bytes per call. Async code may resume on other threads, so the bytes are counted process-wide
    /// (<see cref="GC.GetTotalAllocatedBytes(bool)"/>, exact): allocations of other threads meanwhile count too. Run
    /// such tests where the process is quiet (in xunit, a collection with parallelization disabled). Over budget,
    /// the measurement is repeated up to 3 times and the smallest total counts, since other threads can only add.
    /// </summary>
    /// <param name="bytesPerIteration">The budget per call, in bytes; 0 or more.</param>
    /// <param name="action">The code under test.</param>
    /// <param name="iterations">Calls measured. Default 1; at least 1.</param>
    /// <returns>A task that fails with <see cref="MemoryAssertionException"/> when it allocated more.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="action"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="bytesPerIteration"/> is negative or <paramref name="iterations"/> is below 1.</exception>
    public static Task AllocatesAtMostAsync(long bytesPerIteration, Func<Task> action, int iterations = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytesPerIteration);
        ArgumentNullException.ThrowIfNull(action);
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, 1);
        return Run();

        async Task Run()
        {
            Func<ValueTask> run = () => new ValueTask(action());
            long budget = Budget(bytesPerIteration, iterations);
            long measured = await AllocationMeasurement.MeasureAsync(run, iterations, AllocationScopeKind.Process, budget).ConfigureAwait(true);
            if (measured > budget)
            {
                string sites = await AllocationSiteProbe.DescribeAsync(run, iterations, AllocationScopeKind.Process).ConfigureAwait(true);
                throw AllocationFailure(bytesPerIteration, measured, iterations, AllocationScopeKind.Process, sites);
            }
        }
    }

    /// <summary>The total budget, saturating instead of overflowing.</summary>
    private static long Budget(long bytesPerIteration, int iterations) =>
        bytesPerIteration > long.MaxValue / iterations ? long.MaxValue : bytesPerIteration * iterations;

    private static MemoryAssertionException AllocationFailure(long bytesPerIteration, long measured, int iterations, AllocationScopeKind kind, string sites)
    {
        string perIteration = measured % iterations == 0
            ? (measured / iterations).ToString(CultureInfo.InvariantCulture)
            : ((decimal)measured / iterations).ToString("0.##", CultureInfo.InvariantCulture);
        string expected = bytesPerIteration == 0 ? "no allocations" : string.Create(CultureInfo.InvariantCulture, $"at most {bytesPerIteration} bytes per iteration");
        string counted = kind == AllocationScopeKind.CurrentThread
            ? "on the current thread, exact"
            : "process-wide, exact, the smallest of up to 3 attempts; other threads' allocations count too";
        return new MemoryAssertionException(string.Create(
            CultureInfo.InvariantCulture,
            $"Expected {expected}, but {perIteration} bytes per iteration were allocated ({measured} bytes in {iterations} iteration{(iterations == 1 ? string.Empty : "s")} after a warm-up call, {counted}).{Environment.NewLine}{sites}"));
    }
}
