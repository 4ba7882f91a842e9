using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.Loader;
using MemTrack.Internal;
using MemTrack.Internal.Decoding;
using MemTrack.Internal.Heap.Graph;
using MemTrack.Tests.TestSupport;

namespace MemTrack.Tests.Internal.Decoding;

[Collection(TracerCollection.Name)]
public sealed class AllocatedTypeNamesTests
{
    private const string Self = "MemTrack.Tests.Internal.Decoding.AllocatedTypeNamesTests";

    private static readonly Type EntryArray =
        typeof(Dictionary<string, First.Same>).GetField("_entries", BindingFlags.NonPublic | BindingFlags.Instance)!.FieldType;

    [Fact]
    public void Nested_types_get_the_heap_captures_full_names()
    {
        MemTracker.Stop();
        using var tracer = new Tracer(new MemTrackerOptions { Depth = 1, TrackLiveObjects = false });
        object kept = AllocateNestedTypes();
        Snapshot snapshot = tracer.TakeSnapshot(collect: false);
        GC.KeepAlive(kept);

        var names = snapshot.Statistics(KeyType.Type, kind: MemoryKind.Allocated).Select(s => s.TypeName!).ToList();
        string[] expected =
        [
            Self + "+First+Same",
            Self + "+Second+Same",
            Self + "+First+Pair[]",
            Self + "+Gen`1[System.Int32]",
            "System.Collections.Generic.Dictionary`2+Entry[System.String," + Self + "+First+Same][]",
        ];
        Assert.All(expected, name => Assert.Contains(name, names));

        // One format with the heap capture (HeapSnapshot.ObjectsOfType(Type) and AllocationSites(Type) look names up by it).
        Type[] types = [typeof(First.Same), typeof(Second.Same), typeof(First.Pair[]), typeof(Gen<int>), EntryArray];
        Assert.Equal(expected, types.Select(RuntimeTypeName.Of));

        // Two nested types of one simple name stay apart, and none keeps the runtime's simple name.
        Assert.DoesNotContain(names, n => n is "Same" or "Pair[]" or "Gen`1[System.Int32]" || n.StartsWith("Entry[", StringComparison.Ordinal));

        // Type filters see the full names.
        Snapshot filtered = snapshot.FilterTraces([new TypeFilter(true, Self + "+First+*")]);
        var firstTypes = filtered.Traces.Select(t => t.TypeName).Distinct().ToList();
        Assert.Contains(Self + "+First+Same", firstTypes);
        Assert.Contains(Self + "+First+Pair[]", firstTypes);
        Assert.All(firstTypes, name => Assert.StartsWith(Self + "+First+", name, StringComparison.Ordinal));
    }

    [Trait("Category", "Slow")]
    [Fact]
    public void After_a_collectible_assembly_loads_new_types_keep_the_runtimes_name()
    {
        MemTracker.Stop();
        WeakReference context;
        using (var tracer = new Tracer(new MemTrackerOptions { Depth = 1, TrackLiveObjects = false }))
        {
            object first = AllocateMany(() => new First.Same());

            // Named before the load: the barrier makes the reader name it now.
            Assert.Contains(tracer.TakeSnapshot(collect: false).Traces, t => t.TypeName == Self + "+First+Same");
            context = LoadCollectible();

            // A type id first seen after the load may belong to an unloaded type: its handle is never dereferenced.
            object second = AllocateMany(() => new Second.Same());
            var names = tracer.TakeSnapshot(collect: false).Traces.Select(t => t.TypeName).ToList();
            GC.KeepAlive(first);
            GC.KeepAlive(second);
            Assert.Contains(Self + "+First+Same", names);
            Assert.Contains("Same", names);
            Assert.DoesNotContain(Self + "+Second+Same", names);
        }

        // Once the collectible assembly is gone, a new tracer names types through their handles again.
        for (int i = 0; i < 50 && context.IsAlive; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        Assert.False(context.IsAlive, "the collectible load context was not unloaded");
        using var next = new Tracer(new MemTrackerOptions { Depth = 1, TrackLiveObjects = false });
        object again = AllocateMany(() => new Second.Same());
        Assert.Contains(next.TakeSnapshot(collect: false).Traces, t => t.TypeName == Self + "+Second+Same");
        GC.KeepAlive(again);
    }

    [Fact]
    public void A_handle_names_its_type_unless_a_collectible_assembly_was_seen()
    {
        using var watch = new CollectibleAssemblyWatch();
        ulong handle = (ulong)typeof(Gen<int>).TypeHandle.Value;
        Assert.Equal(watch.Seen ? "Gen`1[System.Int32]" : Self + "+Gen`1[System.Int32]", AllocatedTypeNames.Of(handle, "Gen`1[System.Int32]", watch));
        Assert.Equal("Event", AllocatedTypeNames.Of(0, "Event", watch));
        Assert.Equal(AllocatedTypeNames.Unknown, AllocatedTypeNames.Of(0, null, watch));
        Assert.Equal(AllocatedTypeNames.Unknown, AllocatedTypeNames.Of(0, string.Empty, watch));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static object AllocateNestedTypes()
    {
        var firsts = new List<First.Same>();
        var seconds = new List<Second.Same>();
        var gens = new List<Gen<int>>();
        var pairs = new List<First.Pair[]>();
        for (int i = 0; i < 100_000; i++)
        {
            firsts.Add(new First.Same());
            seconds.Add(new Second.Same());
            gens.Add(new Gen<int>());
        }

        for (int i = 0; i < 2_000; i++)
        {
            pairs.Add(new First.Pair[100]);
        }

        // Resizes allocate Dictionary`2+Entry[] arrays, several MB in all.
        var dictionary = new Dictionary<string, First.Same>();
        for (int i = 0; i < 100_000; i++)
        {
            dictionary.Add(i.ToString(System.Globalization.CultureInfo.InvariantCulture), firsts[i]);
        }

        return (firsts, seconds, gens, pairs, dictionary);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static List<object> AllocateMany(Func<object> create)
    {
        var objects = new List<object>();
        for (int i = 0; i < 200_000; i++)
        {
            objects.Add(create());
        }

        return objects;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference LoadCollectible()
    {
        var context = new AssemblyLoadContext("MemTrack collectible test", isCollectible: true);
        Assert.True(context.LoadFromAssemblyPath(TestApp.DllPath).IsCollectible);
        context.Unload();
        return new WeakReference(context);
    }

    internal static class First
    {
        internal sealed class Same
        {
            public long Value { get; set; }
        }

        internal struct Pair
        {
            public long Left { get; set; }
            public long Right { get; set; }
        }
    }

    internal static class Second
    {
        internal sealed class Same
        {
            public long Value { get; set; }
        }
    }

    internal sealed class Gen<T>
    {
        public T? Value { get; set; }
    }
}
