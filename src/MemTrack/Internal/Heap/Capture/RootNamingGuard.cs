using MemTrack.Internal.Diagnostics;
using MemTrack.Internal.Heap.Graph;

namespace MemTrack.Internal.Heap.Capture;

/// <summary>
/// Keeps a capture of the current process from failing in its naming steps (static roots by declaring type, the
/// runtime's statics table and thread statics), which read metadata and load types through reflection and can throw
/// (a field's type in a missing assembly, a type that fails to load). On the first failure the capture keeps the
/// runtime's own names from then on (a static root as its field name and the type of its object; no roots added, none
/// renamed), so the graph stays correct, and the failure goes to the MemTrack event source; nothing is thrown. Used
/// by one capture (not thread-safe).
/// </summary>
internal sealed class RootNamingGuard
{
    /// <summary>The step names <see cref="FaultForTests"/> is called with.</summary>
    public const string StaticRootStep = "static root";

    /// <inheritdoc cref="StaticRootStep"/>
    public const string RuntimeRootsStep = "runtime roots";

    /// <summary>Test seam: when set, called with the step's name before each naming call; what it throws is that step's failure.</summary>
    internal static Action<string>? FaultForTests { get; set; }

    /// <summary>The first failure, or null.</summary>
    public Exception? Failure { get; private set; }

    /// <summary>A static root namer that falls back to <see cref="StaticFieldNames.Unresolved"/> once naming has failed.</summary>
    public Func<string, string, (string Name, bool IsOwn)> Guard(Func<string, string, (string Name, bool IsOwn)> staticName) =>
        (field, objectType) => Run(StaticRootStep, () => staticName(field, objectType), () => StaticFieldNames.Unresolved(field, objectType));

    /// <summary>The graph as <paramref name="name"/> renames it, or unchanged when naming has failed (now or before).</summary>
    public HeapGraph Guard(HeapGraph graph, Func<HeapGraph, HeapGraph> name) => Run(RuntimeRootsStep, () => name(graph), () => graph);

    /// <summary>Runs a naming step unless one failed before; on failure (now or before) the fallback's result.</summary>
    private T Run<T>(string step, Func<T> work, Func<T> fallback)
    {
        if (Failure is null)
        {
            try
            {
                FaultForTests?.Invoke(step);
                return work();
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                Fail(ex);
            }
        }

        return fallback();
    }

    private void Fail(Exception error)
    {
        Failure = error;
        BackgroundFaults.HeapNamingFailed(error);
    }
}
