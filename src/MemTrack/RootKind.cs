namespace MemTrack;

/// <summary>What keeps the first object of a <see cref="RootPath"/> alive.</summary>
public enum RootKind
{
    /// <summary>A static field; <see cref="RootPath.RootName"/> is <c>DeclaringType.field</c>.</summary>
    StaticField,

    /// <summary>A thread-static field of some thread; <see cref="RootPath.RootName"/> is <c>DeclaringType.field</c>.</summary>
    ThreadStaticField,

    /// <summary>A strong GC handle (<c>GCHandleType.Normal</c>), as held by runtime and interop code.</summary>
    StrongHandle,

    /// <summary>A pinned GC handle (<c>GCHandleType.Pinned</c>).</summary>
    PinnedHandle,

    /// <summary>A dependent handle (<c>ConditionalWeakTable</c> value or <c>DependentHandle</c> target) whose key is alive.</summary>
    DependentHandle,

    /// <summary>The finalization queue: the object waits for its finalizer to run.</summary>
    FinalizerQueue,

    /// <summary>A local variable or argument on a thread's stack (or a CPU register).</summary>
    Stack,

    /// <summary>A root the runtime reported without a kind MemTrack knows, or an object the dump reached from no reported root.</summary>
    Other,
}
