using System.Runtime.CompilerServices;
using MemTrack.Internal.Heap.Graph;

namespace MemTrack.Internal.Assertions;

/// <summary>
/// Finds a still-referenced object in a heap capture without holding it during the capture (a reference held by
/// the checker would be a root of its own). Its address is read after a full compacting collection, which leaves it
/// in gen2 where only another compacting full collection moves it; the capture reports the addresses objects have
/// when its GC marks them. A capture in which the address holds another type (the object moved) is retried.
/// </summary>
internal static class ObjectLocator
{
    private const int Attempts = 3;

    /// <summary>A capture and the target's node in it; null when the target died or could not be located.</summary>
    public static (HeapSnapshot Heap, HeapObject Target)? Locate(Func<object?> target)
    {
        for (int attempt = 0; attempt < Attempts; attempt++)
        {
            GarbageCollection.Full();
            (nint address, Type? type) = Peek(target);
            if (type is null)
            {
                return null;
            }

            HeapSnapshot heap = HeapSnapshot.Capture();
            int node = heap.Graph.IndexOf((ulong)address);
            if (node >= 0 && heap.Graph.TypeName(node) == RuntimeTypeName.Of(type))
            {
                return (heap, new HeapObject(heap, node));
            }
        }

        return null;
    }

    /// <summary>Whether the target is still alive, without keeping a reference to it in the caller's frame.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static bool IsAlive(Func<object?> target) => target() is not null;

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (nint Address, Type? Type) Peek(Func<object?> target)
    {
        object? value = target();
        return value is null ? (0, null) : (Unsafe.As<object, nint>(ref value), value.GetType());
    }
}
