using MemTrack.Internal.Heap.Graph;

namespace MemTrack.Internal.Decoding;

/// <summary>
/// Names the type of an allocation sample in the heap capture's format (<see cref="RuntimeTypeName"/>):
/// <c>Ns.Outer+Inner</c>, <c>Ns.Gen`1[System.Int32]</c>, <c>Ns.Outer+Inner[]</c>. The runtime's event names a nested
/// type by its simple name only (<c>Inner</c>, <c>Entry[]</c>), so different nested types would merge; the sample's
/// type id is the type handle of the allocating process (this one), which gives the <see cref="Type"/>. A handle is
/// resolved only while no collectible assembly was loaded (<see cref="CollectibleAssemblyWatch"/>): a collectible
/// type unloaded since the sample leaves a dangling handle. Otherwise, or if resolving fails, the event's name is kept.
/// Called once per type id (the decoder caches the result); never throws.
/// </summary>
internal static class AllocatedTypeNames
{
    public const string Unknown = "<unknown type>";

    public static string Of(ulong typeId, string? eventName, CollectibleAssemblyWatch collectible)
    {
        if (typeId != 0 && !collectible.Seen)
        {
            try
            {
                Type? type = Type.GetTypeFromHandle(RuntimeTypeHandle.FromIntPtr((nint)typeId));
                if (type is not null)
                {
                    return RuntimeTypeName.Of(type);
                }
            }
            catch (Exception)
            {
                // Never expected for the handle of an allocated object; the reader must not fail on it: keep the event's name.
            }
        }

        return string.IsNullOrEmpty(eventName) ? Unknown : eventName;
    }
}
