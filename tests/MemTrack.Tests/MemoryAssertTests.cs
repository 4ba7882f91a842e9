using System.Runtime.CompilerServices;
using MemTrack.Tests.TestSupport;

namespace MemTrack.Tests;

/// <summary>The memory assertions on real code: exact figures in passing and failing cases, and the messages.</summary>
[Collection(TracerCollection.Name)]
public sealed class MemoryAssertTests : IDisposable
{
    private static readonly int[] Numbers = [.. Enumerable.Range(0, 256)];
    private static List<LeakItem>? s_leak;
    private static List<int>? s_numbers;
    private static Dictionary<string, object>? s_cache;
    private static LeakItem? s_held;

    private static object? s_boxed;

    private static event EventHandler? Changed;

    public void Dispose()
    {
        s_leak = null;
        s_numbers = null;
        s_cache = null;
        s_held = null;
        s_boxed = null;
        Changed = null;
        MemTracker.Stop();
    }

    [Fact]
    public void A_failing_assertion_lists_only_its_own_threads_sites_while_another_thread_allocates()
    {
        using var noise = new BackgroundAllocator(); // allocates strings at full speed, far more than the action
        noise.WaitUntilRunning();

        var error = Assert.Throws<MemoryAssertionException>(() => MemoryAssert.AllocatesNothing(() => s_boxed = BoxALong(42)));

        Assert.Contains("this thread's samples only", error.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(BoxALong), error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(nameof(BackgroundAllocator), error.Message, StringComparison.Ordinal);

        // MemTrack's own frames (the wrapper the action runs in) never show: the user's lambda is followed by the test.
        Assert.DoesNotContain("MemTrack.Internal", error.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(A_failing_assertion_lists_only_its_own_threads_sites_while_another_thread_allocates), error.Message, StringComparison.Ordinal);
    }

    [Trait("Category", "Slow")]
    [Fact]
    public void A_failing_assertion_probes_with_a_tracer_of_its_own_and_leaves_the_users_alone()
    {
        // The user's tracer, with options of their own, runs on untouched through the probe.
        MemTracker.Start(new MemTrackerOptions { Depth = 3 });
        var error = Assert.Throws<MemoryAssertionException>(() => MemoryAssert.AllocatesNothing(() => s_boxed = BoxALong(7)));
        Assert.Contains("Top allocation sites", error.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(BoxALong), error.Message, StringComparison.Ordinal);
        Assert.Equal(3, MemTracker.Options?.Depth);
        MemTracker.Stop();

        // Without one, the probe starts no global tracer: the application could start its own meanwhile.
        bool globalTracerSeen = false;
        Assert.Throws<MemoryAssertionException>(() => MemoryAssert.AllocatesNothing(() =>
        {
            s_boxed = BoxALong(1);
            globalTracerSeen |= MemTracker.IsTracing;
        }));
        Assert.False(globalTracerSeen);
        Assert.False(MemTracker.IsTracing);
    }

    [Fact]
    public void AnAllocationFreeMethodPassesOverAThousandIterationsWhileOtherThreadsAllocate()
    {
        using var noise = new BackgroundAllocator();
        noise.WaitUntilRunning();
        long start = noise.Allocations;
        long mark = start;
        MemoryAssert.AllocatesNothing(
            () =>
            {
                _ = Sum(Numbers);
                mark = noise.WaitForMore(mark); // the other thread allocates during each call; waiting allocates nothing
            },
            iterations: 1000);

        // 1,001 calls (the warm-up and the 1,000 measured ones), each after at least one allocation of the other thread.
        Assert.True(mark > start + 1001, $"the background thread did not allocate during each call: {start} -> {mark}");
    }

    [Fact]
    public void AHundredCharStringFailsA64ByteBudgetWithItsExactSizeAndItsLine()
    {
        var failure = Assert.Throws<MemoryAssertionException>(() => MemoryAssert.AllocatesAtMost(64, () => MakeString(100)));

        // 8 (header) + 8 (method table) + 4 (length) + 2 * 101 (chars and terminator), rounded up to 8.
        Assert.Contains("Expected at most 64 bytes per iteration, but 224 bytes per iteration were allocated (224 bytes in 1 iteration", failure.Message, StringComparison.Ordinal);
        Assert.Contains("System.String", failure.Message, StringComparison.Ordinal);
        Assert.Contains("MemoryAssertTests.cs", failure.Message, StringComparison.Ordinal);
        Assert.False(MemTracker.IsTracing, "the probe must stop the tracer it started");
    }

    [Fact]
    public void TheBudgetIsExactAndDividedByTheIterations()
    {
        MemoryAssert.AllocatesAtMost(224, () => MakeString(100), iterations: 10);
        var failure = Assert.Throws<MemoryAssertionException>(() => MemoryAssert.AllocatesAtMost(223, () => MakeString(100), iterations: 10));
        Assert.Contains("224 bytes per iteration were allocated (2240 bytes in 10 iterations", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AFractionalFigurePerIterationIsShownExactly()
    {
        int calls = 0;
        var failure = Assert.Throws<MemoryAssertionException>(() => MemoryAssert.AllocatesNothing(() => MakeStringEveryThirdCall(ref calls), iterations: 3));
        Assert.Contains("74.67 bytes per iteration were allocated (224 bytes in 3 iterations", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheWarmUpCallIsNotCounted()
    {
        bool initialized = false;
        MemoryAssert.AllocatesNothing(() =>
        {
            if (!initialized)
            {
                initialized = true;
                _ = MakeString(1000);
            }
        });
        Assert.True(initialized, "the action never ran");
    }

    [Trait("Category", "Slow")]
    [Fact]
    public void TheProbeUsesARunningTracerAndLeavesItRunning()
    {
        MemTracker.Start(new MemTrackerOptions { Depth = 4 });
        var failure = Assert.Throws<MemoryAssertionException>(() => MemoryAssert.AllocatesNothing(() => MakeString(100)));
        Assert.Contains("MemoryAssertTests.cs", failure.Message, StringComparison.Ordinal);
        Assert.True(MemTracker.IsTracing);
        Assert.Equal(4, MemTracker.TracebackLimit);
    }

    [Fact]
    public async Task AsyncOverloadsCountAcrossThreadHops()
    {
        await MemoryAssert.AllocatesNothingAsync(() => Task.CompletedTask, iterations: 100);
        var failure = await Assert.ThrowsAsync<MemoryAssertionException>(() => MemoryAssert.AllocatesAtMostAsync(100, HopAndAllocateAsync, iterations: 10));
        Assert.Contains("process-wide", failure.Message, StringComparison.Ordinal);
        Assert.Contains("Expected at most 100 bytes per iteration", failure.Message, StringComparison.Ordinal);

        // 10 x 1 MiB on pool threads, plus what the hops cost.
        await MemoryAssert.AllocatesAtMostAsync((1 << 20) + 64 * 1024, HopAndAllocateAsync, iterations: 10);
    }

    [Trait("Category", "Slow")]
    [Fact]
    public void AStaticListThatGrowsEachIterationFailsNoLeaksAndTheMessageNamesTheField()
    {
        s_leak = [];
        var failure = Assert.Throws<MemoryAssertionException>(() => MemoryAssert.NoLeaks(() => s_leak.Add(new LeakItem())));

        // Two rounds of 5 after one warm-up call, then two confirming rounds as long as everything before them.
        Assert.StartsWith("Expected no leaks, but 1 type grew in each of 4 rounds (5 + 5 + 11 + 22 iterations), after 1 warm-up iteration:", failure.Message, StringComparison.Ordinal);
        string field = typeof(MemoryAssertTests).FullName + "." + nameof(s_leak);
        Assert.True(failure.Message.Contains(typeof(LeakItem).FullName + ": +43 objects, +1032 B over 43 iterations, held by:" + Environment.NewLine + "    " + field + " [StaticField]: +43 objects, +1032 B", StringComparison.Ordinal), failure.Message);
        Assert.Contains("[StaticField] " + field, failure.Message, StringComparison.Ordinal);
        Assert.Contains("Path to root of " + typeof(LeakItem).FullName, failure.Message, StringComparison.Ordinal);
    }

    [Trait("Category", "Slow")]
    [Fact]
    public void AListOfIntsThatGrowsFailsNoLeaksThroughItsArray()
    {
        s_numbers = [];
        var failure = Assert.Throws<MemoryAssertionException>(() => MemoryAssert.NoLeaks(() => s_numbers.Add(42)));
        Assert.True(failure.Message.Contains("System.Int32[]: 0 objects, +240 B over 43 iterations, held by:", StringComparison.Ordinal), failure.Message);
        Assert.True(failure.Message.Contains(typeof(MemoryAssertTests).FullName + "." + nameof(s_numbers) + " [StaticField]: 0 objects, +240 B", StringComparison.Ordinal), failure.Message);
    }

    [Fact]
    public void GarbageAndACacheThatFillsOnceAreNotLeaks()
    {
        s_cache = [];
        MemoryAssert.NoLeaks(() =>
        {
            _ = MakeString(500);
            s_cache.TryAdd("config", new LeakItem());
        });
        Assert.Single(s_cache);
    }

    [Trait("Category", "Slow")]
    [Fact]
    public void AListCapturedByTheActionLeaksThroughTheCodeUnderTest()
    {
        var kept = new List<LeakItem>();
        var failure = Assert.Throws<MemoryAssertionException>(() => MemoryAssert.NoLeaks(() => kept.Add(new LeakItem())));
        Assert.True(failure.Message.Contains(typeof(LeakItem).FullName + ": +43 objects", StringComparison.Ordinal), failure.Message);
        Assert.Contains("the code under test (its closure or instance): +43 objects", failure.Message, StringComparison.Ordinal);
    }

    [Trait("Category", "Slow")]
    [Fact]
    public void AnEventSubscriptionThatIsNeverRemovedLeaks()
    {
        var failure = Assert.Throws<MemoryAssertionException>(() => MemoryAssert.NoLeaks(() => Changed += new LeakItem().OnChanged));
        Assert.True(failure.Message.Contains(typeof(LeakItem).FullName + ": +43 objects", StringComparison.Ordinal), failure.Message);
        Assert.Contains(typeof(MemoryAssertTests).FullName + "." + nameof(Changed) + " [StaticField]", failure.Message, StringComparison.Ordinal);
        Changed = null;
    }

    [Trait("Category", "Slow")]
    [Fact]
    public void OtherThreadsChurningMeanwhileDoNotMakeALeak()
    {
        using var noise = new BackgroundAllocator();
        noise.WaitUntilRunning();
        long start = noise.Allocations;
        long mark = start;
        MemoryAssert.NoLeaks(
            () =>
            {
                _ = MakeString(100);
                mark = noise.WaitForMore(mark);
            },
            iterations: 20);
        Assert.True(mark > start + 1, $"the background thread did not allocate during the check: {start} -> {mark}");
    }

    [Trait("Category", "Slow")]
    [Fact]
    public void AnAllowanceToleratesAKnownNumberOfObjects()
    {
        s_leak = [];
        MemoryAssert.NoLeaks(() => s_leak.Add(new LeakItem()), new LeakCheckOptions { AllowedObjects = 10 });
        Assert.Throws<MemoryAssertionException>(() => MemoryAssert.NoLeaks(() => s_leak.Add(new LeakItem()), new LeakCheckOptions { AllowedObjects = 9 }));
        MemoryAssert.NoLeaks(() => s_leak.Add(new LeakItem()), new LeakCheckOptions { IgnoredTypes = [typeof(LeakItem).FullName!, "System.Object[]", typeof(LeakItem).FullName + "[]"] });
    }

    [Fact]
    public void ADroppedObjectPassesCollected()
    {
        MemoryAssert.Collected(DroppedReference());
        MemoryAssert.Collected(DroppedTypedReference());
    }

    [Fact]
    public void AHeldObjectFailsCollectedWithItsRoot()
    {
        WeakReference<LeakItem> weak = HeldReference();
        var failure = Assert.Throws<MemoryAssertionException>(() => MemoryAssert.Collected(weak));
        Assert.Contains("still alive", failure.Message, StringComparison.Ordinal);
        Assert.Contains("[StaticField] " + typeof(MemoryAssertTests).FullName + "." + nameof(s_held), failure.Message, StringComparison.Ordinal);
        Assert.Contains("-> " + typeof(LeakItem).FullName + " @ 0x", failure.Message, StringComparison.Ordinal);

        s_held = null;
        MemoryAssert.Collected(weak);
    }

    [Fact]
    public void InstancesOfCountsLiveObjectsExactly()
    {
        MemoryAssert.InstancesOf<LeakItem>();
        HoldThree();
        MemoryAssert.InstancesOf<LeakItem>(3);
#pragma warning disable CA2263 // the Type overload is under test
        var failure = Assert.Throws<MemoryAssertionException>(() => MemoryAssert.InstancesOf(typeof(LeakItem), 2));
#pragma warning restore CA2263
        Assert.Contains($"Expected at most 2 live instances of {typeof(LeakItem).FullName}, but 3 are alive (", failure.Message, StringComparison.Ordinal);
        Assert.True(failure.Message.Contains(typeof(MemoryAssertTests).FullName + "." + nameof(s_leak) + " [StaticField]: 3 objects, 72 B", StringComparison.Ordinal), failure.Message);
    }

    [Fact]
    public void BadInputIsRejectedWithTheParameterName()
    {
        Assert.Equal("action", Assert.Throws<ArgumentNullException>(() => MemoryAssert.AllocatesNothing(null!)).ParamName);
        Assert.Equal("iterations", Assert.Throws<ArgumentOutOfRangeException>(() => MemoryAssert.AllocatesNothing(() => { }, 0)).ParamName);
        Assert.Equal("bytesPerIteration", Assert.Throws<ArgumentOutOfRangeException>(() => MemoryAssert.AllocatesAtMost(-1, () => { })).ParamName);
        Assert.Equal("action", Assert.Throws<ArgumentNullException>(() => { _ = MemoryAssert.AllocatesNothingAsync(null!); }).ParamName);
        Assert.Equal("iterations", Assert.Throws<ArgumentOutOfRangeException>(() => { _ = MemoryAssert.AllocatesAtMostAsync(0, () => Task.CompletedTask, -5); }).ParamName);
        Assert.Equal("action", Assert.Throws<ArgumentNullException>(() => MemoryAssert.NoLeaks(null!)).ParamName);
        Assert.Equal("iterations", Assert.Throws<ArgumentOutOfRangeException>(() => MemoryAssert.NoLeaks(() => { }, 0)).ParamName);
        Assert.Equal("options", Assert.Throws<ArgumentNullException>(() => MemoryAssert.NoLeaks(() => { }, (LeakCheckOptions)null!)).ParamName);
        Assert.Equal("WarmupIterations", Assert.Throws<ArgumentOutOfRangeException>(() => MemoryAssert.NoLeaks(() => { }, new LeakCheckOptions { WarmupIterations = -1 })).ParamName);
        Assert.Equal("AllowedBytes", Assert.Throws<ArgumentOutOfRangeException>(() => MemoryAssert.NoLeaks(() => { }, new LeakCheckOptions { AllowedBytes = -1 })).ParamName);
        Assert.Equal("reference", Assert.Throws<ArgumentNullException>(() => MemoryAssert.Collected((WeakReference)null!)).ParamName);
        Assert.Equal("reference", Assert.Throws<ArgumentNullException>(() => MemoryAssert.Collected((WeakReference<string>)null!)).ParamName);
        Assert.Equal("maxCount", Assert.Throws<ArgumentOutOfRangeException>(() => MemoryAssert.InstancesOf<LeakItem>(-1)).ParamName);
        Assert.Equal("type", Assert.Throws<ArgumentNullException>(() => MemoryAssert.InstancesOf(null!)).ParamName);
    }

    [Fact]
    public void AHeapAssertionWithDiagnosticsOffFailsLoudlyNeverPasses()
    {
        (int exitCode, string output, _) = TestApp.Run("no-leaks", new Dictionary<string, string> { ["DOTNET_EnableDiagnostics"] = "0" });
        Assert.True(exitCode == 3, output);
        Assert.Contains("DiagnosticsUnavailableException", output, StringComparison.Ordinal);
        Assert.Contains("DOTNET_EnableDiagnostics", output, StringComparison.Ordinal);
    }

    private static int Sum(int[] values)
    {
        int sum = 0;
        foreach (int value in values)
        {
            sum += value;
        }

        return sum;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static string MakeString(int length) => new('a', length);

    private static void MakeStringEveryThirdCall(ref int calls)
    {
        // Calls 1 (the warm-up), 4, 7, ...: one of the three measured calls allocates.
        if (calls++ % 3 == 0)
        {
            _ = MakeString(100);
        }
    }

    private static async Task HopAndAllocateAsync()
    {
        await Task.Yield();
        await Task.Run(() => GC.KeepAlive(new byte[1 << 20]));
    }

    // In a separate method: a Debug build keeps the test method's temporaries (and so the items) on its stack.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void HoldThree() => s_leak = [new LeakItem(), new LeakItem(), new LeakItem()];

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference DroppedReference() => new(new LeakItem());

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference<LeakItem> DroppedTypedReference() => new(new LeakItem());

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference<LeakItem> HeldReference()
    {
        s_held = new LeakItem();
        return new WeakReference<LeakItem>(s_held);
    }

    private sealed class LeakItem
    {
        public long Payload { get; set; } = 7;

        public void OnChanged(object? sender, EventArgs e) => Payload++;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static object BoxALong(long value) => value;
}
