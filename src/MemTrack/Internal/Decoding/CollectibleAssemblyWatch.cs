using System.Reflection;

namespace MemTrack.Internal.Decoding;

/// <summary>
/// Says whether the process has loaded a collectible assembly since this watch was made or before (while it is still
/// loaded). A type of a collectible assembly can be unloaded after an allocation sample names it by its type handle;
/// the handle then points to freed memory, so handles may be resolved only while no collectible assembly was seen.
/// The load event runs before any code of the new assembly, hence before any sample of its types.
/// </summary>
internal sealed class CollectibleAssemblyWatch : IDisposable
{
    private volatile bool _seen;

    public CollectibleAssemblyWatch()
    {
        // Subscribe first, then look: an assembly loaded in between is seen by one or the other.
        AppDomain.CurrentDomain.AssemblyLoad += OnAssemblyLoad;
        foreach (Assembly assembly in AppDomain.CurrentDomain.GetAssemblies())
        {
            if (assembly.IsCollectible)
            {
                _seen = true;
                break;
            }
        }
    }

    /// <summary>Whether a collectible assembly was loaded (once true, stays true).</summary>
    public bool Seen => _seen;

    public void Dispose() => AppDomain.CurrentDomain.AssemblyLoad -= OnAssemblyLoad;

    private void OnAssemblyLoad(object? sender, AssemblyLoadEventArgs args)
    {
        if (args.LoadedAssembly.IsCollectible)
        {
            _seen = true;
        }
    }
}
