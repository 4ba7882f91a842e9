using System.Reflection;
using Microsoft.Diagnostics.NETCore.Client;

namespace MemTrack.Internal.Heap.Capture;

/// <summary>
/// The assemblies whose types are MemTrack's own in a heap capture: MemTrack and the diagnostics libraries it runs
/// on (TraceEvent with its FastSerialization companion, NETCore.Client). Decided by assembly, never by namespace:
/// user code may live in namespaces that start with <c>MemTrack.</c>.
/// </summary>
internal static class OwnAssemblies
{
    private static readonly Assembly[] Assemblies =
    [
        typeof(HeapSnapshot).Assembly,
        typeof(Microsoft.Diagnostics.Tracing.TraceEvent).Assembly,
        typeof(FastSerialization.IFastSerializable).Assembly,
        typeof(DiagnosticsClient).Assembly,
    ];

    /// <summary>
    /// Whether <paramref name="assembly"/> is one of them: the same assembly, or one loaded from the same file (a copy
    /// in another load context).
    /// </summary>
    public static bool Contains(Assembly assembly)
    {
        string location = assembly.IsDynamic ? string.Empty : assembly.Location;
        foreach (Assembly own in Assemblies)
        {
            if (ReferenceEquals(own, assembly) || (location.Length > 0 && string.Equals(own.Location, location, StringComparison.Ordinal)))
            {
                return true;
            }
        }

        return false;
    }
}
