namespace MemTrack.Internal.Heap.Graph;

/// <summary>Lookups of objects by address in an ascending address array.</summary>
internal static class AddressIndex
{
    /// <summary>The index of the object at exactly <paramref name="address"/>, or -1.</summary>
    public static int Of(ulong[] addresses, ulong address)
    {
        int index = Array.BinarySearch(addresses, address);
        return index >= 0 ? index : -1;
    }

    /// <summary>The index of the object that contains <paramref name="address"/> (an interior pointer), or -1.</summary>
    public static int Containing(ulong[] addresses, long[] sizes, ulong address)
    {
        int index = Array.BinarySearch(addresses, address);
        if (index >= 0)
        {
            return index;
        }

        int before = ~index - 1;
        return before >= 0 && address - addresses[before] < (ulong)sizes[before] ? before : -1;
    }
}
