using System.Globalization;
using MemTrack.Internal;
using MemTrack.Internal.Assertions;
using MemTrack.Internal.Heap.Graph;

namespace MemTrack;

/// <content>The heap checks: leaks, collection of an object, instances of a type.</content>
public static partial class MemoryAssert
{
    /// <summary>
    /// Asserts that <paramref name="action"/> leaks no objects (pytest-memray's <c>limit_leaks</c>, dotMemory's
    /// <c>GetDifference</c>): it is called once to warm up, then <paramref name="iterations"/> times in two rounds
    /// with a heap capture before and after each. A type whose objects held by the same root grew in both rounds is
    /// a suspect; suspects must keep growing in up to two more rounds (each as long as everything before it) to fail
    /// the check, so growth the process makes on its own does not. The message names the grown types with their
    /// counts and sizes, the roots that hold them (a static field by its declaring type and name) and the path from
    /// the root to one leaked object.
    /// </summary>
    /// <remarks>
    /// Counted are objects that a root other than a thread stack holds (a static field, a handle, the finalization
    /// queue), or that the action's own closure or instance holds, and not MemTrack's own objects: objects that only
    /// thread stacks hold are in flight and come and go between captures. Growth of an array in place (a
    /// <c>List&lt;int&gt;</c> that keeps growing) counts when no type gained objects under the same root.
    /// </remarks>
    /// <param name="action">The code under test.</param>
    /// <param name="iterations">Calls measured. Default 10; at least 1.</param>
    /// <exception cref="ArgumentNullException"><paramref name="action"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="iterations"/> is below 1.</exception>
    /// <exception cref="MemoryAssertionException">Objects leaked.</exception>
    /// <exception cref="MemTrackException">The heap could not be captured (for example, the runtime's diagnostics are disabled).</exception>
    public static void NoLeaks(Action action, int iterations = 10)
    {
        ArgumentNullException.ThrowIfNull(action);
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, 1);
        NoLeaks(action, new LeakCheckOptions { Iterations = iterations });
    }

    /// <summary>Asserts that <paramref name="action"/> leaks no objects, with tolerances (see <see cref="NoLeaks(Action, int)"/>).</summary>
    /// <param name="action">The code under test.</param>
    /// <param name="options">Iterations, warm-up, allowances and ignored types.</param>
    /// <exception cref="ArgumentNullException"><paramref name="action"/> or <paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    /// <exception cref="MemoryAssertionException">Objects leaked.</exception>
    /// <exception cref="MemTrackException">The heap could not be captured (for example, the runtime's diagnostics are disabled).</exception>
    public static void NoLeaks(Action action, LeakCheckOptions options)
    {
        ArgumentNullException.ThrowIfNull(action);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (LeakCheck.Run(action, options) is string failure)
        {
            throw new MemoryAssertionException(failure);
        }
    }

    /// <summary>
    /// Asserts that the target of <paramref name="reference"/> has been collected, after full blocking collections
    /// with finalizers run (up to three rounds). If it is still alive, the message shows the path from its GC root.
    /// </summary>
    /// <remarks>
    /// Create the object and the weak reference in a separate method marked
    /// <c>[MethodImpl(MethodImplOptions.NoInlining)]</c>: in a Debug build, a local variable of the test method keeps
    /// its object alive until the method returns.
    /// </remarks>
    /// <param name="reference">A weak reference to the object that should be gone.</param>
    /// <exception cref="ArgumentNullException"><paramref name="reference"/> is null.</exception>
    /// <exception cref="MemoryAssertionException">The object is still alive.</exception>
    /// <exception cref="MemTrackException">The object is alive and the heap could not be captured to say why.</exception>
    public static void Collected(WeakReference reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        Collected(() => reference.Target);
    }

    /// <summary>Asserts that the target of <paramref name="reference"/> has been collected (see <see cref="Collected(WeakReference)"/>).</summary>
    /// <typeparam name="T">The object's type.</typeparam>
    /// <param name="reference">A weak reference to the object that should be gone.</param>
    /// <exception cref="ArgumentNullException"><paramref name="reference"/> is null.</exception>
    /// <exception cref="MemoryAssertionException">The object is still alive.</exception>
    /// <exception cref="MemTrackException">The object is alive and the heap could not be captured to say why.</exception>
    public static void Collected<T>(WeakReference<T> reference)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(reference);
        Collected(() => reference.TryGetTarget(out T? target) ? target : null);
    }

    /// <summary>
    /// Asserts that at most <paramref name="maxCount"/> objects of exactly type <typeparamref name="T"/> (not derived
    /// types) are alive, after full collections, counted exactly in a heap capture (dotMemory's
    /// <c>GetObjects(where => where.Type.Is&lt;T&gt;())</c>). The message gives their count and size, the roots that
    /// hold them and the path to one.
    /// </summary>
    /// <typeparam name="T">The type.</typeparam>
    /// <param name="maxCount">Live objects allowed. Default 0; 0 or more.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxCount"/> is negative.</exception>
    /// <exception cref="MemoryAssertionException">More are alive.</exception>
    /// <exception cref="MemTrackException">The heap could not be captured.</exception>
    public static void InstancesOf<T>(int maxCount = 0) => InstancesOf(typeof(T), maxCount);

    /// <summary>Asserts that at most <paramref name="maxCount"/> objects of exactly <paramref name="type"/> are alive (see <see cref="InstancesOf{T}(int)"/>).</summary>
    /// <param name="type">The type.</param>
    /// <param name="maxCount">Live objects allowed. Default 0; 0 or more.</param>
    /// <exception cref="ArgumentNullException"><paramref name="type"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxCount"/> is negative.</exception>
    /// <exception cref="MemoryAssertionException">More are alive.</exception>
    /// <exception cref="MemTrackException">The heap could not be captured.</exception>
    public static void InstancesOf(Type type, int maxCount = 0)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentOutOfRangeException.ThrowIfNegative(maxCount);
        GarbageCollection.Full();
        HeapSnapshot heap = HeapSnapshot.Capture();
        string name = RuntimeTypeName.Of(type);
        IReadOnlyList<HeapObject> objects = heap.ObjectsOfType(name);
        if (objects.Count > maxCount)
        {
            long size = objects.Sum(o => o.Size);
            throw new MemoryAssertionException(string.Create(
                CultureInfo.InvariantCulture,
                $"Expected at most {maxCount} live instance{(maxCount == 1 ? string.Empty : "s")} of {name}, but {objects.Count} are alive ({size} bytes).{Environment.NewLine}{HeldByReport.ForType(heap, name, objects)}"));
        }
    }

    private static void Collected(Func<object?> target)
    {
        for (int round = 0; round < 3; round++)
        {
            GarbageCollection.Full();
            if (!ObjectLocator.IsAlive(target))
            {
                return;
            }
        }

        if (ObjectLocator.Locate(target) is not (HeapSnapshot heap, HeapObject found))
        {
            if (!ObjectLocator.IsAlive(target))
            {
                return;
            }

            throw new MemoryAssertionException("Expected the object to be collected, but it is still alive (it could not be found in a heap capture to show what holds it).");
        }

        throw new MemoryAssertionException($"Expected the object to be collected, but it is still alive.{Environment.NewLine}{HeldByReport.PathOf(heap, found)}");
    }
}
