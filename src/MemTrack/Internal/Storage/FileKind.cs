namespace MemTrack.Internal.Storage;

/// <summary>What is at a path, as <see cref="FileKinds"/> tells it.</summary>
internal enum FileKind
{
    /// <summary>Nothing: a new file may be made there.</summary>
    Missing,

    /// <summary>A regular file.</summary>
    Regular,

    /// <summary>A directory.</summary>
    Directory,

    /// <summary>A character device (<c>/dev/null</c>, a terminal, <c>/dev/stdout</c> when it is one).</summary>
    CharacterDevice,

    /// <summary>A named pipe (FIFO), or an anonymous one reached through <c>/dev/stdout</c> or <c>/proc/self/fd</c>.</summary>
    Pipe,

    /// <summary>A block device, a socket or anything else a file must not be written over.</summary>
    Other,
}
