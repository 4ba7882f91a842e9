using System.Diagnostics.Tracing;
using MemTrack.Internal.Heap.Graph;
using MemTrack.Internal.Session;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers;

namespace MemTrack.Internal.Heap.Capture;

/// <summary>
/// One heap capture: a short EventPipe session to a process (this one, or another .NET process by id) with the
/// heap-dump keywords, which makes the runtime run one blocking gen2 GC and stream the object graph during it. A dedicated thread reads the stream; the
/// caller waits (bounded) for the dump's GC to stop, then stops the session. One capture runs at a time per process.
/// </summary>
internal static class HeapDumpSession
{
    /// <summary>GC (0x1), GCHeapCollect (0x800000), GCHeapDump (0x100000), GCHeapAndTypeNames (0x1000000), Type (0x80000).</summary>
    public const ClrTraceEventParser.Keywords Keywords =
        ClrTraceEventParser.Keywords.GC
        | ClrTraceEventParser.Keywords.GCHeapCollect
        | ClrTraceEventParser.Keywords.GCHeapDump
        | ClrTraceEventParser.Keywords.GCHeapAndTypeNames
        | ClrTraceEventParser.Keywords.Type;

    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(5);
    private static readonly SemaphoreSlim OneAtATime = new(1, 1);

    // The runtime describes each type once per process (its logged-type cache outlives a session), so a later capture
    // gets no GCBulkType event for a type an earlier one saw: the descriptions are kept across captures. Type ids
    // are method-table addresses, stable while the type is loaded. Used under OneAtATime only.
    private static readonly Dictionary<ulong, HeapTypeInfo> KnownTypes = [];
    private static readonly Dictionary<ulong, string> KnownModules = [];

    /// <summary>Captures the heap of a process.</summary>
    /// <param name="processId">
    /// The process. For the current process, types are named from its loaded metadata, static roots by their declaring
    /// type, and MemTrack's own objects are recognised; for another process only the dump's own data is used (its
    /// runtime's type names, static roots by field name), since this process's metadata and addresses say nothing of it.
    /// </param>
    /// <param name="options">Buffer size and timeout.</param>
    /// <param name="dumped">
    /// Runs as soon as the dump's GC has stopped, before the session is stopped and the graph built: the work
    /// between the dump and anything that reads object addresses must stay small, since a GC in between (often a
    /// gen1 one, the dump having just promoted the young objects) moves them away from the dump's addresses.
    /// </param>
    public static HeapGraph Run(int processId, HeapCaptureOptions options, Action? dumped = null)
    {
        if (!OneAtATime.Wait(options.Timeout))
        {
            throw new MemTrackException($"Another heap capture did not finish within {options.Timeout.TotalSeconds:0.#} s ({nameof(HeapCaptureOptions)}.{nameof(HeapCaptureOptions.Timeout)}).");
        }

        try
        {
            return Capture(processId, options, dumped);
        }
        finally
        {
            OneAtATime.Release();
        }
    }

    private static HeapGraph Capture(int processId, HeapCaptureOptions options, Action? dumped)
    {
        bool self = processId == Environment.ProcessId;
        var builder = new HeapGraphBuilder();
        var decoder = new HeapDumpDecoder(builder);
        var client = new DiagnosticsClient(processId);
        EventPipeProvider[] providers = [new(ClrTraceEventParser.ProviderName, EventLevel.Verbose, (long)Keywords)];
        // No stacks (heap events do not need them); a rundown of the loaded modules only, to name types precisely.
        EventPipeSession session = SessionConnection.Connect(client, new EventPipeSessionConfiguration(providers, options.BufferSizeMB, (long)ClrTraceEventParser.Keywords.Loader, requestStackwalk: false), self ? null : processId);
        Task<long> reader = SessionConnection.OnOwnThread<long>(
            () =>
            {
                using var source = new EventPipeEventSource(session.EventStream);
                decoder.Subscribe(source);
                source.Process();
                return source.EventsLost;
            },
            "MemTrack heap capture");
        WaitHandle finished = ((IAsyncResult)reader).AsyncWaitHandle;

        bool completed = WaitHandle.WaitAny([decoder.Completed.WaitHandle, finished], options.Timeout) == 0;
        try
        {
            if (completed)
            {
                dumped?.Invoke();
            }
        }
        finally
        {
            _ = SessionConnection.StopAndDrain(session, finished.WaitOne, DrainTimeout, DrainTimeout, disposeWhenDrained: true);
            if (finished.WaitOne(DrainTimeout))
            {
                reader.Dispose(); // closes its wait handle now, not by a finalizer whose queue a later capture would see
            }
        }

        long lostEvents = reader.IsCompletedSuccessfully ? reader.Result : 0;
        Exception? failure = reader.Exception?.InnerException; // the reader's failure, reported below, never thrown on its thread

        // Lost events come first: when the buffer overflows, the dump's own GC stop event can be among them, and the
        // wait then ends by the timeout, which would name the wrong option.
        if (lostEvents > 0 || decoder.MissingBulkEvents > 0)
        {
            throw new MemTrackException(
                $"The heap dump lost events ({Math.Max(lostEvents, decoder.MissingBulkEvents)} missing after {builder.NodeCount} objects): the heap did not fit in the {options.BufferSizeMB} MB session buffer. Raise {nameof(HeapCaptureOptions)}.{nameof(HeapCaptureOptions.BufferSizeMB)}.");
        }

        if (!completed)
        {
            throw failure is not null
                ? new MemTrackException("The heap capture failed while reading the dump: " + failure.Message, failure)
                : new MemTrackException(
                    $"The heap dump did not complete within {options.Timeout.TotalSeconds:0.#} s ({decoder}). Raise {nameof(HeapCaptureOptions)}.{nameof(HeapCaptureOptions.Timeout)} for a larger heap.");
        }

        if (!self)
        {
            return Build(builder, decoder.Types, new Dictionary<ulong, string>(), self: false);
        }

        foreach ((ulong typeId, HeapTypeInfo type) in decoder.Types)
        {
            KnownTypes[typeId] = type;
        }

        foreach ((ulong moduleId, string path) in decoder.ModulePaths)
        {
            KnownModules[moduleId] = path;
        }

        return Build(builder, KnownTypes, KnownModules, self: true);
    }

    /// <summary>
    /// Names the types and builds the graph. Another process's types are described by this dump alone (its type ids
    /// are its own addresses, and the cache above is this process's), without module paths, so no metadata of this
    /// process names them and none is MemTrack's own. For this process, static roots are named from the loaded
    /// metadata, and the statics the dump leaves unnamed (of generic types, thread statics) are added
    /// (<see cref="RuntimeStaticRoots"/>); a failure there keeps the runtime's names (<see cref="RootNamingGuard"/>).
    /// </summary>
    private static HeapGraph Build(HeapGraphBuilder builder, IReadOnlyDictionary<ulong, HeapTypeInfo> types, IReadOnlyDictionary<ulong, string> modules, bool self)
    {
        var namer = new HeapTypeNamer(types, modules);
        foreach (ulong typeId in types.Keys)
        {
            builder.AddType(typeId, namer.NameOf(typeId), namer.IsOwn(typeId));
        }

        if (!self)
        {
            return builder.Build(StaticFieldNames.Unresolved);
        }

        Func<string, Type?> typeOf = namer.TypeByName(types.Keys);
        StaticFieldIndex[]? indexes = null;
        Func<string, string, (string Name, bool IsOwn)>? resolver = null;
        var guard = new RootNamingGuard(); // naming reads metadata and loads types: its failures keep the runtime's names
        HeapGraph graph = builder.Build(guard.Guard((field, objectType) => (resolver ??= StaticFieldNames.Resolver(indexes ??= StaticFieldNames.Loaded(), typeOf))(field, objectType)));
        return guard.Guard(graph, g => RuntimeStaticRoots.Name(g, indexes ??= StaticFieldNames.Loaded(), typeOf));
    }
}
