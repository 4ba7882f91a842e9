using System.Runtime.CompilerServices;
using MemTrack.Tests.TestSupport;

namespace MemTrack.Tests;

/// <summary>Real heap captures of this test process: the spellings of a type name that find its objects, and object sizes as the GC allocates them.</summary>
[Collection(TracerCollection.Name)]
public sealed class HeapSnapshotNamesTests : IDisposable
{
    private static object[]? s_keep;

    public void Dispose() => s_keep = null;

    public static TheoryData<string, int> Spellings() => new()
    {
        { typeof(Twin).FullName!, 11 },
        { typeof(Twin).AssemblyQualifiedName!, 11 },
        { typeof(HeapSnapshotNamesTests).FullName + ".Twin", 11 },
        { typeof(Other.Twin).FullName!.Replace('+', '.'), 12 },
        { "Twin", 11 + 12 },
        { typeof(Pod<int>).FullName!, 13 },
        { typeof(Pod<int>).ToString(), 13 },
        { "Pod<int>", 13 },
        { typeof(HeapSnapshotNamesTests).FullName + ".Pod<System.Int32>", 13 },
        { typeof(Dictionary<string, List<Twin>>).FullName!, 14 },
        { "Dictionary<string, List<Twin>>", 14 },
        { typeof(Twin[]).FullName!, 15 },
        { "Twin[]", 15 },
        { "Pod`1", 0 },
        { "Pod<long>", 0 },
    };

    [Theory]
    [MemberData(nameof(Spellings))]
    public void ObjectsOfTypeAcceptsTheSpellingsOfTypeNamesAndShortNames(string name, int expected)
    {
        Keep();
        HeapSnapshot heap = HeapSnapshot.Capture();

        Assert.Equal(expected, heap.ObjectsOfType(name).Count);
    }

    [Fact]
    public void AShortNameFindsTheObjectsOfEveryTypeOfThatNameAndTheTypeOverloadOnlyItsOwn()
    {
        Keep();
        HeapSnapshot heap = HeapSnapshot.Capture();

        Assert.Equal(
            [typeof(Other.Twin).FullName, typeof(Twin).FullName],
            heap.ObjectsOfType("Twin").Select(o => o.TypeName).Distinct().Order(StringComparer.Ordinal));
        Assert.Equal(11, heap.ObjectsOfType(typeof(Twin)).Count);
        Assert.Equal(13, heap.ObjectsOfType(typeof(Pod<int>)).Count);
        Assert.Empty(heap.ObjectsOfType(typeof(Pod<>)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(700)]
    [InlineData(701)]
    [InlineData(90_001)]
    public void ObjectSizesAreWhatTheGcAllocatedForThem(int length)
    {
        const int Count = 50;
        long allocated = AllocateByteArrays(Count, length);
        HeapSnapshot heap = HeapSnapshot.Capture();

        // The arrays are what the static object[] holds: its references in the graph.
        HeapObject holder = heap.ObjectsOfType(typeof(object[])).Single(o => heap.FindPathToRoot(o) is { Objects.Count: 1 } p && p.RootName.EndsWith("." + nameof(s_keep), StringComparison.Ordinal));
        long[] sizes = [.. heap.Graph.References(holder.Node).ToArray().Select(n => heap.Graph.Sizes[n])];
        Assert.Equal(Count, sizes.Length);
        Assert.Equal(allocated, sizes.Sum());
        Assert.All(sizes, size => Assert.Equal(0, size % IntPtr.Size));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static long AllocateByteArrays(int count, int length)
    {
        var arrays = new object[count];
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < count; i++)
        {
            arrays[i] = new byte[length];
        }

        long after = GC.GetAllocatedBytesForCurrentThread();
        s_keep = arrays;
        return after - before;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Keep() => s_keep =
    [
        .. Enumerable.Range(0, 11).Select(_ => (object)new Twin()),
        .. Enumerable.Range(0, 12).Select(_ => (object)new Other.Twin()),
        .. Enumerable.Range(0, 13).Select(_ => (object)new Pod<int>()),
        .. Enumerable.Range(0, 14).Select(_ => (object)new Dictionary<string, List<Twin>>()),
        .. Enumerable.Range(0, 15).Select(_ => (object)new Twin[1]),
    ];

    private sealed class Twin;

    private sealed class Pod<T>
    {
        public T? Value { get; set; }
    }

    private static class Other
    {
        public sealed class Twin;
    }
}
