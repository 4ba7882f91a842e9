namespace MemTrack;

/// <summary>What an <see cref="AllocationScope"/> counts.</summary>
public enum AllocationScopeKind
{
    /// <summary>
    /// Bytes allocated by the thread that began the scope, exactly (<see cref="GC.GetAllocatedBytesForCurrentThread"/>):
    /// other threads do not disturb it. The scope must end on the same thread.
    /// </summary>
    CurrentThread,

    /// <summary>
    /// Bytes allocated by every thread of the process, exactly (<see cref="GC.GetTotalAllocatedBytes(bool)"/> with
    /// <c>precise: true</c>): for async code that resumes on other threads. Allocations of unrelated threads in the
    /// meantime (a test runner, timers, the tracer's reader) count too.
    /// </summary>
    Process,
}
