using System.Reflection;
using MemTrack.Internal.Heap.Graph;

namespace MemTrack.Internal.Decoding;

/// <summary>
/// Names the methods of inline trees, given by the runtime's method ids (MethodDesc pointers of this process). A method
/// that was also jitted on its own is named from its load event; any other through reflection on its handle, with
/// the declaring type's handle from the runtime's MethodDetails event where the type is generic (a method of a generic
/// type needs it). Handles are resolved only while no collectible assembly was loaded
/// (<see cref="CollectibleAssemblyWatch"/>), as an unloaded one leaves them dangling. Unnamed methods get no frame.
/// Used only on the reader thread; never throws.
/// </summary>
internal sealed class InlineeNames(CollectibleAssemblyWatch? collectible)
{
    private readonly Dictionary<ulong, InlineeMethod?> _names = [];
    private readonly Dictionary<ulong, ulong> _typeIdByMethodId = [];

    /// <summary>Remembers the declaring type handle of a method (MethodDetails).</summary>
    public void AddDetails(ulong methodId, ulong typeId)
    {
        if (typeId != 0)
        {
            _typeIdByMethodId[methodId] = typeId;
        }
    }

    public InlineeMethod? Find(ulong methodId, MethodMap methods, Func<ulong, string> modulePath)
    {
        if (!_names.TryGetValue(methodId, out InlineeMethod? name))
        {
            name = methods.FindById(methodId) is { } code
                ? new InlineeMethod(code.Name, code.Token, modulePath(code.ModuleId))
                : FromHandle(methodId);
            if (name is not null || collectible is null || !collectible.Seen)
            {
                _names[methodId] = name;
            }
        }

        return name;
    }

    public long EstimateBytes() => (_names.Count * 48L) + (_typeIdByMethodId.Count * 24L) + _names.Values.Sum(n => n is null ? 0 : n.Name.Length * 2L);

    private InlineeMethod? FromHandle(ulong methodId)
    {
        if (methodId == 0 || collectible is null || collectible.Seen)
        {
            return null;
        }

        try
        {
            RuntimeMethodHandle handle = RuntimeMethodHandle.FromIntPtr((nint)methodId);
            MethodBase? method = _typeIdByMethodId.TryGetValue(methodId, out ulong typeId)
                ? MethodBase.GetMethodFromHandle(handle, RuntimeTypeHandle.FromIntPtr((nint)typeId))
                : MethodBase.GetMethodFromHandle(handle);
            if (method is null)
            {
                return null;
            }

            string type = method.DeclaringType is { } declaring ? RuntimeTypeName.Of(declaring) + "." : string.Empty;
            return new InlineeMethod(type + method.Name, method.MetadataToken, method.Module.FullyQualifiedName);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or NotSupportedException or BadImageFormatException)
        {
            // A method of a generic type whose details did not come, or one the runtime cannot describe: no frame.
            return null;
        }
    }
}
