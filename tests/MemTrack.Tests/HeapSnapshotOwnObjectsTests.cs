using System.Reflection;
using System.Runtime.CompilerServices;
using MemTrack.Internal.Heap.Capture;
using MemTrack.Internal.Heap.Graph;
using MemTrack.Tests.TestSupport;
using Microsoft.Diagnostics.NETCore.Client;

namespace MemTrack.Tests;

/// <summary>Real captures in a row, with the tracer running, leave MemTrack's own objects out of the census.</summary>
[Collection(TracerCollection.Name)]
public sealed class HeapSnapshotOwnObjectsTests : IDisposable
{
    private static readonly string RetainedName = typeof(Retained).FullName!;
    private static List<Retained>? s_retained;

    public void Dispose()
    {
        s_retained = null;
        MemTracker.Stop();
    }

    [Trait("Category", "Slow")]
    [Fact]
    public void CapturesInARowWithTheTracerRunningShowOnlyTheUsersGrowth()
    {
        MemTracker.Start(new MemTrackerOptions { Depth = 3 });
        s_retained = [];
        HeapSnapshot first = HeapSnapshot.Capture();
        IReadOnlyList<TypeStatistic> firstStatistics = first.TypeStatistics();
        AddRetained(4_321);
        HeapSnapshot second = HeapSnapshot.Capture();

        IReadOnlyList<TypeStatisticDiff> growth = second.CompareTo(first);
        IReadOnlyList<TypeStatistic> statistics = second.TypeStatistics();
        HashSet<string> ownTypes = OwnTypeNames();
        Assert.Contains("MemTrack.Internal.Tracer", ownTypes);
        Assert.Contains("Microsoft.Diagnostics.Tracing.EventPipeEventSource", ownTypes);
        Assert.Empty(growth.Where(d => MentionsAny(d.TypeName, ownTypes)).Select(d => d.TypeName));
        Assert.Empty(statistics.Where(t => MentionsAny(t.TypeName, ownTypes)).Select(t => t.TypeName));
        Assert.DoesNotContain(statistics, t => t.TypeName == typeof(TypeStatistic).FullName + "[]");
        Assert.Empty(second.ObjectsOfType(typeof(HeapSnapshot)));

        // They are in the heap, only left out: the tracer, the earlier capture and the statistics the test holds.
        string[] present = [.. Enumerable.Range(0, second.Graph.NodeCount).Select(second.Graph.TypeName).Distinct()];
        Assert.Contains("MemTrack.Internal.Tracer", present);
        Assert.Contains(typeof(HeapSnapshot).FullName!, present);
        Assert.Contains(typeof(TypeStatistic).FullName + "[]", present);
        Assert.Contains(present, name => name.StartsWith("Microsoft.Diagnostics.Tracing.", StringComparison.Ordinal));
        long ownSize = Enumerable.Range(0, second.ObjectCount).Where(n => second.Graph.IsOwn[n]).Sum(n => second.Graph.Sizes[n]);
        Assert.Equal(second.TotalSize - ownSize, statistics.Sum(t => t.Size));
        Assert.True(ownSize > 0);

        // MemTrack's static caches are of user types (Dictionary<ulong, string>) but held by its own static fields.
        HeapRoot knownModules = second.Graph.Roots.Single(r => r.Name == typeof(HeapDumpSession).FullName + ".KnownModules");
        Assert.True(knownModules.IsOwn);
        Assert.Equal("System.Collections.Generic.Dictionary`2[System.UInt64,System.String]", second.Graph.TypeName(knownModules.Node));
        Assert.True(second.Graph.IsOwn[knownModules.Node]);
        HeapRoot userRoot = second.Graph.Roots.Single(r => r.Name == typeof(HeapSnapshotOwnObjectsTests).FullName + "." + nameof(s_retained));
        Assert.False(userRoot.IsOwn);
        Assert.False(second.Graph.IsOwn[userRoot.Node]);

        // The user's objects, held by a static of the test assembly (namespace MemTrack.Tests), are all there.
        TypeStatisticDiff retained = growth.Single(d => d.TypeName == RetainedName);
        Assert.Equal(4_321, retained.CountDiff);
        Assert.Equal(4_321, retained.Count);
        Assert.Equal(4_321, statistics.Single(t => t.TypeName == RetainedName).Count);
        Assert.Equal(4_321, second.ObjectsOfType(typeof(Retained)).Count);
        Assert.DoesNotContain(firstStatistics, t => t.TypeName == RetainedName);
    }

    /// <summary>
    /// Heap names of the types defined in MemTrack, TraceEvent and NETCore.Client and in no other loaded assembly
    /// (compilers embed <c>System.Runtime.CompilerServices.IsReadOnlyAttribute</c> or name anonymous types
    /// <c>&lt;&gt;f__AnonymousType0`2</c> in many assemblies alike).
    /// </summary>
    private static HashSet<string> OwnTypeNames()
    {
        Assembly[] own =
            [typeof(HeapSnapshot).Assembly, typeof(Microsoft.Diagnostics.Tracing.TraceEvent).Assembly, typeof(DiagnosticsClient).Assembly];
        HashSet<string> names = [.. own.SelectMany(a => a.GetTypes()).Select(RuntimeTypeName.Of)];
        foreach (Assembly other in AppDomain.CurrentDomain.GetAssemblies().Where(a => !a.IsDynamic && !own.Contains(a)))
        {
            names.ExceptWith(TypesOf(other).Select(RuntimeTypeName.Of));
        }

        return names;
    }

    private static IEnumerable<Type> TypesOf(Assembly assembly)
    {
        try
        {
            return assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException partly)
        {
            return partly.Types.OfType<Type>();
        }
    }

    /// <summary>Whether the type, an array element or a generic argument in a heap type name is one of <paramref name="types"/>.</summary>
    private static bool MentionsAny(string typeName, HashSet<string> types) =>
        typeName.Split(['[', ']', ','], StringSplitOptions.RemoveEmptyEntries).Any(types.Contains);

    /// <summary>In its own frame, so no stack slot of the test holds the objects when the heap is captured.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void AddRetained(int count)
    {
        for (int i = 0; i < count; i++)
        {
            s_retained!.Add(new Retained(i));
        }
    }

    private sealed class Retained(int id)
    {
        public int Id { get; } = id;
    }
}
