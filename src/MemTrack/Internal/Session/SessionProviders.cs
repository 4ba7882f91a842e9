using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing.Parsers;

namespace MemTrack.Internal.Session;

/// <summary>The providers and keywords of MemTrack's EventPipe sessions.</summary>
internal static class SessionProviders
{
    /// <summary>
    /// Allocation samples with stacks, plus what names frames: method loads (Jit, Verbose for MethodLoadVerbose),
    /// module loads (Loader) and IL-to-native maps. The GC keyword stays off: at Verbose it would add the biased and
    /// costlier GCAllocationTick events.
    /// </summary>
    public const ClrTraceEventParser.Keywords AllocationKeywords =
        ClrTraceEventParser.Keywords.AllocationSampling
        | ClrTraceEventParser.Keywords.Jit
        | ClrTraceEventParser.Keywords.Loader
        | ClrTraceEventParser.Keywords.JittedMethodILToNativeMap;

    /// <summary>EventPipe buffer for the tracing session, in MB. Allocation samples are small; this absorbs bursts.</summary>
    public const int CircularBufferMB = 256;

    public static EventPipeProvider[] Tracing() =>
    [
        new(ClrTraceEventParser.ProviderName, EventLevel.Verbose, (long)AllocationKeywords),
        new(MemTrackEventSource.ProviderName, EventLevel.Informational),
    ];

    /// <summary>
    /// A rundown-only session: only MemTrack's own (quiet) provider is enabled; stopping it makes the runtime
    /// enumerate loaded modules and methods with their IL maps (its default rundown keywords).
    /// </summary>
    public static EventPipeProvider[] Rundown() => [new(MemTrackEventSource.ProviderName, EventLevel.Critical)];
}
