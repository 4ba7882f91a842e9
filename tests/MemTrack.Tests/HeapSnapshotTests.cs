using System.Runtime.CompilerServices;
using System.Text.Json;
using MemTrack.Internal.Heap.Capture;
using MemTrack.Tests.TestSupport;

namespace MemTrack.Tests;

/// <summary>Real heap captures of this test process: exact counts, growth, paths to roots and retained sizes.</summary>
[Collection(TracerCollection.Name)]
public sealed class HeapSnapshotTests : IDisposable
{
    private static readonly string LeakyName = typeof(Leaky).FullName!;
    private static List<Leaky>? s_cache;
    private static Holder? s_holder;
    private static Leaky? s_shared;

    public void Dispose()
    {
        s_cache = null;
        s_holder = null;
        s_shared = null;
        MemTracker.Stop();
    }

    [Fact]
    public void CountsEveryObjectOfATypeExactlyAndTheDiffShowsTheGrowth()
    {
        s_cache = [];
        HeapSnapshot before = HeapSnapshot.Capture();
        AddLeaky(12_345);
        HeapSnapshot after = HeapSnapshot.Capture();

        TypeStatistic leaky = after.TypeStatistics().Single(t => t.TypeName == LeakyName);
        long objectSize = after.ObjectsOfType(LeakyName)[0].Size;
        Assert.Equal(12_345, leaky.Count);
        Assert.Equal(12_345 * objectSize, leaky.Size);
        Assert.Equal(12_345, after.ObjectsOfType(typeof(Leaky)).Count);
        Assert.DoesNotContain(before.TypeStatistics(), t => t.TypeName == LeakyName);

        TypeStatisticDiff growth = after.CompareTo(before).Single(d => d.TypeName == LeakyName);
        Assert.Equal(12_345, growth.CountDiff);
        Assert.Equal(12_345, growth.Count);
        Assert.Equal(leaky.Size, growth.SizeDiff);
        Assert.Contains(LeakyName + ": count=12345 (+12345)", growth.ToString(), StringComparison.Ordinal);

        // The statistics leave MemTrack's own objects out (here the first capture, which the test holds).
        int[] own = [.. Enumerable.Range(0, after.ObjectCount).Where(n => after.Graph.IsOwn[n])];
        Assert.True(after.ObjectCount > 12_345 + own.Length);
        Assert.Equal(after.TypeStatistics().Sum(t => t.Size), after.TotalSize - own.Sum(n => after.Graph.Sizes[n]));
        Assert.Equal(after.TypeStatistics().Sum(t => t.Count), after.ObjectCount - own.Length);
        Assert.Contains(own, n => after.Graph.TypeName(n) == typeof(HeapSnapshot).FullName);
    }

    [Fact]
    public void ThePathFromAStaticCollectionNamesTheStaticField()
    {
        s_cache = [];
        AddLeaky(100);
        HeapSnapshot heap = HeapSnapshot.Capture();
        HeapObject target = heap.ObjectsOfType(LeakyName)[42];

        RootPath path = heap.FindPathToRoot(target)!;
        Assert.NotNull(path);
        Assert.Equal(RootKind.StaticField, path.RootKind);
        Assert.Equal(typeof(HeapSnapshotTests).FullName + "." + nameof(s_cache), path.RootName);
        Assert.Equal(
            ["System.Collections.Generic.List`1[" + LeakyName + "]", LeakyName + "[]", LeakyName],
            path.Objects.Select(o => o.TypeName));
        Assert.Equal(target, path.Objects[^1]);

        string[] lines = path.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("[StaticField] " + path.RootName, lines[0]);
        Assert.Equal(4, lines.Length);
        Assert.StartsWith("  -> System.Collections.Generic.List`1[", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public void RetainedSizeOfAHolderIncludesWhatOnlyItHoldsAndExcludesWhatIsShared()
    {
        BuildHolder();
        HeapSnapshot heap = HeapSnapshot.Capture();

        HeapObject holder = heap.ObjectsOfType(typeof(Holder)).Single();
        HeapObject[] items = [.. heap.ObjectsOfType(typeof(Leaky))];
        Assert.Equal(3, items.Length);
        HeapObject shared = items.Single(i => heap.FindPathToRoot(i)!.RootName.EndsWith("." + nameof(s_shared), StringComparison.Ordinal));
        HeapObject[] payloads = [.. heap.ObjectsOfType(typeof(byte[])).Where(p => Referrer(heap, p) is HeapObject r && items.Contains(r))];
        Assert.Equal([1_000, 2_000, 3_000], payloads.Select(p => p.Size - (p.Size % 1_000)).Order());
        HeapObject sharedPayload = payloads.Single(p => Referrer(heap, p) == shared);
        HeapObject itemArray = Referrer(heap, items.First(i => i != shared))!;
        Assert.Equal(LeakyName + "[]", itemArray.TypeName);

        // Exclusively held: the holder, its array, two of the three items and their payloads; not the shared item.
        long exclusive = holder.Size + itemArray.Size + (2 * shared.Size) + payloads.Where(p => p != sharedPayload).Sum(p => p.Size);
        Assert.Equal(exclusive, heap.RetainedSize(holder));
        Assert.Equal(shared.Size + sharedPayload.Size, heap.RetainedSize(shared));

        TypeStatistic holders = heap.TypeStatistics().Single(t => t.TypeName == typeof(Holder).FullName);
        Assert.Equal(exclusive, holders.RetainedSize);
    }

    [Fact]
    public void ALaterCaptureStillNamesTypesAnEarlierOneDescribed()
    {
        // The runtime describes each type once per process, not once per capture.
        HeapSnapshot first = HeapSnapshot.Capture();
        HeapSnapshot second = HeapSnapshot.Capture();
        foreach (HeapSnapshot heap in new[] { first, second })
        {
            Assert.Contains(heap.TypeStatistics(), t => t.TypeName == "System.String");
            Assert.DoesNotContain(heap.TypeStatistics(), t => t.TypeName.StartsWith("Type(0x", StringComparison.Ordinal));
        }

        Assert.DoesNotContain(second.CompareTo(first), d => d.TypeName == "System.String" && d.Count == 0);
    }

    [Fact]
    public void ExportsOfARealCaptureParse()
    {
        s_cache = [];
        AddLeaky(500);
        HeapSnapshot heap = HeapSnapshot.Capture();
        HeapObject target = heap.ObjectsOfType(LeakyName)[7];

        var dot = new StringWriter();
        heap.WriteDot(dot, [target], maxDepth: 5, maxNodes: 50);
        string text = dot.ToString();
        Assert.StartsWith("digraph", text, StringComparison.Ordinal);
        Assert.Equal(text.Count(c => c == '{'), text.Count(c => c == '}'));
        Assert.Contains(nameof(s_cache), text, StringComparison.Ordinal);
        Assert.Contains("->", text, StringComparison.Ordinal);

        using var stream = new MemoryStream();
        heap.WriteChromeHeapSnapshot(stream);
        using JsonDocument json = JsonDocument.Parse(stream.ToArray());
        JsonElement snapshot = json.RootElement.GetProperty("snapshot");
        int nodeFields = snapshot.GetProperty("meta").GetProperty("node_fields").GetArrayLength();
        int nodeCount = snapshot.GetProperty("node_count").GetInt32();
        Assert.Equal(nodeCount * nodeFields, json.RootElement.GetProperty("nodes").GetArrayLength());
        Assert.InRange(nodeCount, heap.ObjectCount + 1, heap.ObjectCount + 20);
        string[] strings = [.. json.RootElement.GetProperty("strings").EnumerateArray().Select(e => e.GetString()!)];
        Assert.Contains(LeakyName, strings);
        Assert.Contains(strings, s => s.EndsWith("." + nameof(s_cache), StringComparison.Ordinal));
    }

    [Trait("Category", "Slow")]
    [Fact]
    public void AllocationSitesJoinATypeToWhereItsObjectsWereAllocatedAndWhatHoldsThem()
    {
        MemTracker.Start(new MemTrackerOptions { Depth = 3 });
        s_cache = new List<Leaky>(200_000);
        AddLeaky(200_000);
        HeapSnapshot heap = HeapSnapshot.Capture();
        Assert.True(heap.HasAllocationSites);
        Assert.Equal(200_000, heap.ObjectsOfType(LeakyName).Count);

        IReadOnlyList<HeapAllocationSite> sites = heap.AllocationSites(typeof(Leaky));
        HeapAllocationSite top = sites[0];
        Assert.Equal(LeakyName, top.TypeName);
        Assert.EndsWith("." + nameof(s_cache), top.HeldBy, StringComparison.Ordinal);
        Assert.Equal(RootKind.StaticField, top.HeldByKind);
        Assert.Contains(nameof(AddLeaky), top.Traceback[0].Method, StringComparison.Ordinal);
        Assert.EndsWith(nameof(HeapSnapshotTests) + ".cs", top.Traceback[0].FileName, StringComparison.Ordinal);
        Assert.True(top.SampleCount >= 10, top.ToString());
        Assert.InRange(200_000, top.Count - (2 * top.CountMargin), top.Count + (2 * top.CountMargin));
        Assert.Contains("held by " + top.HeldBy, top.ToString(), StringComparison.Ordinal);
        Assert.Empty(heap.AllocationSites("No.Such.Type"));
    }

    [Fact]
    public void AllocationSitesApportionTheExactCountOfTheirHolderSoTheyAddUpToIt()
    {
        MemTracker.Start(new MemTrackerOptions { Depth = 3 });
        s_cache = new List<Leaky>(150_000);
        AddLeaky(100_000);
        AddLeakyElsewhere(50_000);
        HeapSnapshot heap = HeapSnapshot.Capture();

        HeapAllocationSite[] held = [.. heap.AllocationSites(typeof(Leaky)).Where(s => s.HeldBy.EndsWith("." + nameof(s_cache), StringComparison.Ordinal))];

        // The capture counted 150,000 objects under that root: the sites' estimates share them out, rounding aside.
        Assert.InRange(held.Sum(s => s.Count), 150_000 - held.Length, 150_000 + held.Length);
        Assert.InRange(held.Sum(s => s.Size), heap.ObjectsOfType(LeakyName).Sum(o => o.Size) - held.Length, heap.ObjectsOfType(LeakyName).Sum(o => o.Size) + held.Length);
        HeapAllocationSite first = Assert.Single(held, s => s.Traceback[0].Method.EndsWith(nameof(AddLeaky), StringComparison.Ordinal));
        Assert.InRange(100_000, first.Count - (2 * first.CountMargin) - 1, first.Count + (2 * first.CountMargin) + 1);
    }

    [Fact]
    public void WithoutTheTracerACaptureHasNoAllocationSites()
    {
        HeapSnapshot heap = HeapSnapshot.Capture();
        Assert.False(heap.HasAllocationSites);
        Assert.Contains("MemTracker", Assert.Throws<InvalidOperationException>(() => heap.AllocationSites(typeof(Leaky))).Message, StringComparison.Ordinal);
    }

    [Trait("Category", "Slow")]
    [Fact]
    public void CapturesWhileTheTracerRunsAndTheTracerCarriesOn()
    {
        MemTracker.Start(new MemTrackerOptions { Depth = 3 });
        s_cache = [];
        AddLeaky(1_000);
        HeapSnapshot heap = HeapSnapshot.Capture();
        Assert.Equal(1_000, heap.ObjectsOfType(LeakyName).Count);
        Assert.True(MemTracker.IsTracing);
        Assert.NotNull(MemTracker.TakeSnapshot());
    }

    [Fact]
    public void AHeapTooBigForTheBufferFailsAndNamesTheOption()
    {
        s_cache = [];
        AddLeaky(400_000);
        var error = Assert.ThrowsAny<MemTrackException>(() => HeapSnapshot.Capture(new HeapCaptureOptions { BufferSizeMB = HeapCaptureOptions.MinBufferSizeMB }));
        Assert.Contains(nameof(HeapCaptureOptions.BufferSizeMB), error.Message, StringComparison.Ordinal);
        Assert.Contains("lost", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ADumpThatDoesNotCompleteInTimeFailsNamesTheOptionAndTheNextCaptureWorks()
    {
        // Below the public minimum of 1 s (the options are validated by Capture, not by the session), so the dump
        // cannot arrive in time on any machine.
        var tooShort = new HeapCaptureOptions { Timeout = TimeSpan.FromMilliseconds(1) };
        var error = Assert.Throws<MemTrackException>(() => HeapDumpSession.Run(Environment.ProcessId, tooShort));
        Assert.Contains("did not complete within", error.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(HeapCaptureOptions) + "." + nameof(HeapCaptureOptions.Timeout), error.Message, StringComparison.Ordinal);

        s_cache = [];
        AddLeaky(10);
        Assert.Equal(10, HeapSnapshot.Capture().ObjectsOfType(LeakyName).Count);
    }

    [Fact]
    public void BadArgumentsAreRejectedWithTheirNames()
    {
        HeapSnapshot heap = HeapSnapshot.Capture();
        HeapSnapshot other = HeapSnapshot.Capture();
        HeapObject foreign = other.ObjectsOfType(typeof(string))[0];
        Assert.Equal("target", Assert.Throws<ArgumentException>(() => heap.FindPathToRoot(foreign)).ParamName);
        Assert.Equal("target", Assert.Throws<ArgumentException>(() => heap.RetainedSize(foreign)).ParamName);
        Assert.Equal("target", Assert.Throws<ArgumentNullException>(() => heap.FindPathToRoot(null!)).ParamName);
        Assert.Equal("typeName", Assert.Throws<ArgumentException>(() => heap.ObjectsOfType(string.Empty)).ParamName);
        Assert.Equal("old", Assert.Throws<ArgumentNullException>(() => heap.CompareTo(null!)).ParamName);
        Assert.Equal("options", Assert.Throws<ArgumentNullException>(() => HeapSnapshot.Capture(null!)).ParamName);
        Assert.Equal("BufferSizeMB", Assert.Throws<ArgumentOutOfRangeException>(() => HeapSnapshot.Capture(new HeapCaptureOptions { BufferSizeMB = 1 })).ParamName);
        Assert.Equal("Timeout", Assert.Throws<ArgumentOutOfRangeException>(() => HeapSnapshot.Capture(new HeapCaptureOptions { Timeout = TimeSpan.Zero })).ParamName);
        Assert.Empty(heap.ObjectsOfType("No.Such.Type"));
    }

    /// <summary>The object before <paramref name="target"/> on its path to a root, or null.</summary>
    private static HeapObject? Referrer(HeapSnapshot heap, HeapObject target) =>
        heap.FindPathToRoot(target) is { Objects.Count: >= 2 } path ? path.Objects[^2] : null;

    /// <summary>In its own frame, so no stack slot of the test holds the objects when the heap is captured.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void BuildHolder()
    {
        s_shared = new Leaky(1_000);
        s_holder = new Holder([new Leaky(2_000), new Leaky(3_000), s_shared]);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void AddLeaky(int count)
    {
        for (int i = 0; i < count; i++)
        {
            s_cache!.Add(new Leaky(0));
        }
    }

    private static void AddLeakyElsewhere(int count)
    {
        for (int i = 0; i < count; i++)
        {
            s_cache!.Add(new Leaky(0));
        }
    }

    private sealed class Leaky(int payload)
    {
        public byte[]? Payload { get; } = payload > 0 ? new byte[payload] : null;
    }

    private sealed class Holder(Leaky[] items)
    {
        public Leaky[] Items { get; } = items;
    }
}
