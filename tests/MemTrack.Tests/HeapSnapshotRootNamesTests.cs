using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using MemTrack.Internal.Heap.Capture;
using MemTrack.Internal.Heap.Graph;
using MemTrack.Tests.TestSupport;

namespace MemTrack.Tests;

/// <summary>
/// Real heap captures of this test process: static roots the runtime's dump does not name (statics of generic types,
/// thread statics) and static fields of common names declared with an interface or <c>object</c> type.
/// </summary>
[Collection(TracerCollection.Name)]
public sealed class HeapSnapshotRootNamesTests : IDisposable
{
    public void Dispose()
    {
        RootNamesRegistry<GenericItem>.s_rootNamesEntries.Clear();
        RootNamesQueue<QueuedItem>.s_rootNamesQueue.Clear();
        RootNamesThreadStatics.t_rootNamesList = null;
        RootNamesThreadStatics.t_rootNamesOther = null;
        RootNamesInterfaceHolder.Instance = null;
        RootNamesObjectHolder.Default = null;
    }

    [Fact]
    public void AStaticFieldOfAGenericTypeIsNamedWithItsInstantiation()
    {
        FillGeneric();
        HeapSnapshot heap = HeapSnapshot.Capture();

        RootPath path = PathTo<GenericItem>(heap, RootKind.StaticField, RuntimeTypeName.Of(typeof(RootNamesRegistry<GenericItem>)) + "." + nameof(RootNamesRegistry<GenericItem>.s_rootNamesEntries));
        Assert.Equal(
            [RuntimeTypeName.Of(typeof(List<GenericItem>)), RuntimeTypeName.Of(typeof(GenericItem[])), RuntimeTypeName.Of(typeof(GenericItem))],
            path.Objects.Select(o => o.TypeName));
    }

    [Fact]
    public void AGenericStaticThatTwoLoadedDefinitionsCouldDeclareNamesBoth()
    {
        // Which instantiation's statics were initialised is the runtime's state, which no API shows without running
        // the static constructor: two definitions with a static Queue<T> are both candidates for a Queue<QueuedItem>.
        FillQueue();
        _ = typeof(RootNamesOtherQueue<>);
        HeapSnapshot heap = HeapSnapshot.Capture();

        RootPath path = PathTo<QueuedItem>(heap, RootKind.StaticField);
        Assert.StartsWith("one of: ", path.RootName, StringComparison.Ordinal);
        Assert.Contains(RuntimeTypeName.Of(typeof(RootNamesQueue<QueuedItem>)) + ".s_rootNamesQueue", path.RootName, StringComparison.Ordinal);
        Assert.Contains(RuntimeTypeName.Of(typeof(RootNamesOtherQueue<QueuedItem>)) + ".s_rootNamesOtherQueue", path.RootName, StringComparison.Ordinal);
    }

    [Fact]
    public void TheRuntimesStaticsTableIsNotCalledAStrongHandle()
    {
        HeapSnapshot heap = HeapSnapshot.Capture();
        HeapGraph graph = heap.Graph;
        var staticHeld = graph.Roots.Where(r => r.Kind == RootKind.StaticField).Select(r => r.Node).ToHashSet();

        // The buckets: strong-handle object[]s holding type objects and statics' objects (no user handle here).
        HeapRoot[] tables = [.. graph.Roots.Where(r => r.Kind == RootKind.StrongHandle && graph.TypeName(r.Node) == "System.Object[]"
            && graph.References(r.Node).ToArray() is int[] references && references.Any(staticHeld.Contains) && references.Any(n => graph.TypeName(n) == "System.RuntimeType"))];
        Assert.NotEmpty(tables);
        Assert.All(tables, t => Assert.Equal(RuntimeStaticRoots.StaticsTable, t.Name));
    }

    [Fact]
    public void AUsersStrongHandleToAnArrayHoldingAStaticsObjectKeepsItsName()
    {
        FillGeneric();
        GCHandle handle = HandleToArrayWithAStaticsObject();
        try
        {
            HeapSnapshot heap = HeapSnapshot.Capture();

            RootPath path = PathTo<QueuedItem>(heap, RootKind.StrongHandle);
            Assert.Equal(RuntimeTypeName.Of(typeof(object[])), path.Objects[0].TypeName);
            Assert.NotEqual(RuntimeStaticRoots.StaticsTable, path.RootName);
        }
        finally
        {
            handle.Free();
        }
    }

    [Fact]
    public void AThreadStaticOfTheCapturingThreadIsNamed()
    {
        FillThreadStatic();
        HeapSnapshot heap = HeapSnapshot.Capture();

        RootPath path = PathTo<ThreadItem>(heap, RootKind.ThreadStaticField, typeof(RootNamesThreadStatics).FullName + "." + nameof(RootNamesThreadStatics.t_rootNamesList));
        Assert.Equal(RuntimeTypeName.Of(typeof(List<ThreadItem>)), path.Objects[0].TypeName);
        Assert.Contains(heap.Graph.Roots, r => r.Kind == RootKind.Stack && r.Name == RuntimeStaticRoots.ThreadStaticStorage);
    }

    [Fact]
    public void AThreadStaticOfAnotherLiveThreadIsNamed()
    {
        using var set = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var thread = new Thread(() =>
        {
            FillOtherThreadStatic();
            set.Set();
            release.Wait();
            RootNamesThreadStatics.t_rootNamesOther = null;
        })
        { IsBackground = true };
        thread.Start();
        try
        {
            Assert.True(set.Wait(TimeSpan.FromMinutes(1)));
            HeapSnapshot heap = HeapSnapshot.Capture();

            RootPath path = PathTo<OtherThreadItem>(heap, RootKind.ThreadStaticField, typeof(RootNamesThreadStatics).FullName + "." + nameof(RootNamesThreadStatics.t_rootNamesOther));
            Assert.Single(path.Objects);
        }
        finally
        {
            release.Set();
            Assert.True(thread.Join(TimeSpan.FromMinutes(1)));
        }
    }

    [Fact]
    public void StaticsOfCommonNamesDeclaredAsAnInterfaceOrObjectAreNamedByTheirDeclaringType()
    {
        FillCommonNames();
        HeapSnapshot heap = HeapSnapshot.Capture();

        RootPath service = PathTo<InterfaceItem>(heap, RootKind.StaticField, typeof(RootNamesInterfaceHolder).FullName + "." + nameof(RootNamesInterfaceHolder.Instance));

        RootPath boxed = PathTo<ObjectItem>(heap, RootKind.StaticField, typeof(RootNamesObjectHolder).FullName + "." + nameof(RootNamesObjectHolder.Default));
    }

    /// <summary>The path to the one object of type <typeparamref name="T"/>, checked to start at the expected root (any name when null).</summary>
    private static RootPath PathTo<T>(HeapSnapshot heap, RootKind kind, string? name = null)
    {
        HeapObject target = heap.ObjectsOfType(typeof(T)).Single();
        RootPath? path = heap.FindPathToRoot(target);
        Assert.NotNull(path);
        Assert.Equal(target, path.Objects[^1]);
        Assert.Equal(kind, path.RootKind);
        if (name is not null)
        {
            Assert.Equal(name, path.RootName);
        }

        return path;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void FillGeneric() => RootNamesRegistry<GenericItem>.s_rootNamesEntries.Add(new GenericItem());

    /// <summary><c>GCHandle.Alloc(new object[] { s_list, x })</c>: the array is reached from the handle only.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static GCHandle HandleToArrayWithAStaticsObject() => GCHandle.Alloc(new object[] { RootNamesRegistry<GenericItem>.s_rootNamesEntries, new QueuedItem() });

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void FillQueue() => RootNamesQueue<QueuedItem>.s_rootNamesQueue.Enqueue(new QueuedItem());

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void FillThreadStatic() => RootNamesThreadStatics.t_rootNamesList = [new ThreadItem()];

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void FillOtherThreadStatic() => RootNamesThreadStatics.t_rootNamesOther = new OtherThreadItem();

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void FillCommonNames()
    {
        RootNamesInterfaceHolder.Instance = new InterfaceItem();
        RootNamesObjectHolder.Default = new ObjectItem();
    }

    internal interface IRootNamesService;

    internal sealed class GenericItem;

    internal sealed class QueuedItem;

    internal sealed class ThreadItem;

    internal sealed class OtherThreadItem;

    internal sealed class InterfaceItem : IRootNamesService;

    internal sealed class ObjectItem;

    internal static class RootNamesRegistry<T>
    {
        public static readonly List<T> s_rootNamesEntries = [];
    }

    internal static class RootNamesQueue<T>
    {
        public static readonly Queue<T> s_rootNamesQueue = [];
    }

    internal static class RootNamesOtherQueue<T>
    {
        public static readonly Queue<T> s_rootNamesOtherQueue = [];
    }

    internal static class RootNamesThreadStatics
    {
        [ThreadStatic]
        public static List<ThreadItem>? t_rootNamesList;

        [ThreadStatic]
        public static OtherThreadItem? t_rootNamesOther;
    }

    /// <summary>Declares <c>Instance</c>, a name many framework types declare too, as an interface.</summary>
    internal static class RootNamesInterfaceHolder
    {
        public static IRootNamesService? Instance;
    }

    /// <summary>Declares <c>Default</c>, a name many framework types declare too, as <c>object</c>.</summary>
    internal static class RootNamesObjectHolder
    {
        public static object? Default;
    }
}
