using System.Diagnostics.Tracing;
using MemTrack.Internal.Decoding;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing.Parsers;

namespace MemTrack.Internal.Session;

/// <summary>The providers and keywords of MemTrack's EventPipe sessions.</summary>
internal static class SessionProviders
{
    /// <summary>
    /// Allocation samples with stacks, plus what names frames: method loads (Jit, Verbose for MethodLoadVerbose),
    /// module loads (Loader) and IL-to-native maps.
    /// </summary>
    public const ClrTraceEventParser.Keywords AllocationKeywords =
        ClrTraceEventParser.Keywords.AllocationSampling
        | ClrTraceEventParser.Keywords.Jit
        | ClrTraceEventParser.Keywords.Loader
        | ClrTraceEventParser.Keywords.JittedMethodILToNativeMap;

    /// <summary>
    /// Live tracking: GCStart/GCEnd (GC) and the generation ranges, surviving and moved ranges of every GC
    /// (GCHeapSurvivalAndMovement). EventPipe takes one level per provider (a second entry for the same provider is
    /// ignored), so GC runs at Verbose with the rest; measured on .NET 10, the runtime then sends no GCAllocationTick
    /// events while AllocationSampling is on (docs/how-it-works.md, "Live memory"). The runtime sends these GC events without stacks.
    /// </summary>
    public const ClrTraceEventParser.Keywords LivenessKeywords =
        ClrTraceEventParser.Keywords.GC | ClrTraceEventParser.Keywords.GCHeapSurvivalAndMovement;

    /// <summary>
    /// EventPipe buffer for the rundown session and, by default (<see cref="MemTrackerOptions.SessionBufferMB"/>), the
    /// tracing session, in MB. Allocation samples are small; this absorbs bursts.
    /// </summary>
    public const int CircularBufferMB = MemTrackerOptions.DefaultSessionBufferMB;

    /// <summary>
    /// With rich debug info (<see cref="RichDebugInfo"/>): MethodDetails (keyword MethodDiagnostic), which gives the
    /// declaring type of an inlined method of a generic type. The runtime sends it for the inlinees of each method it
    /// compiles, only when rich debug info is on.
    /// </summary>
    public const ClrTraceEventParser.Keywords InliningKeywords = ClrTraceEventParser.Keywords.MethodDiagnostic;

    /// <param name="trackLiveObjects">Adds the GC survival and movement events (<see cref="LivenessKeywords"/>).</param>
    /// <param name="richDebugInfo">
    /// Adds the runtime's private provider for its rich debug info events (inline trees) and <see cref="InliningKeywords"/>;
    /// without <c>DOTNET_RichDebugInfo=1</c> in the process the runtime sends neither.
    /// </param>
    public static EventPipeProvider[] Tracing(bool trackLiveObjects, bool richDebugInfo)
    {
        ClrTraceEventParser.Keywords keywords = AllocationKeywords
            | (trackLiveObjects ? LivenessKeywords : 0)
            | (richDebugInfo ? InliningKeywords : 0);
        EventPipeProvider[] providers =
        [
            new(ClrTraceEventParser.ProviderName, EventLevel.Verbose, (long)keywords),
            new(MemTrackEventSource.ProviderName, EventLevel.Informational),
        ];
        return richDebugInfo
            ? [.. providers, new(RichDebugInfo.PrivateProviderName, EventLevel.Informational, RichDebugInfoEvents.Keyword)]
            : providers;
    }

    /// <summary>
    /// A rundown-only session: only MemTrack's own (quiet) provider is enabled; stopping it makes the runtime
    /// enumerate loaded modules and methods with their IL maps (its default rundown keywords).
    /// </summary>
    public static EventPipeProvider[] Rundown() => [new(MemTrackEventSource.ProviderName, EventLevel.Critical)];
}
