using static System.FormattableString;

namespace MemTrack.Internal.Reporting;

/// <summary>
/// The warnings a snapshot carries about its own data, worded once for every place that shows a snapshot: its
/// <see cref="Snapshot.ToString"/>, <see cref="Snapshot.WriteReport"/>, the exit report and the CLI.
/// </summary>
internal static class SnapshotWarnings
{
    /// <summary>One sentence per problem (none when the data is complete), each starting with "WARNING:".</summary>
    public static IReadOnlyList<string> Of(Snapshot snapshot)
    {
        var warnings = new List<string>(2);
        if (snapshot.IsDegraded)
        {
            warnings.Add(
                "WARNING: taken in degraded mode (the tracing session could not be opened; see MemTracker.Health): "
                + "only the exact allocated total was measured, no allocation sites");
        }

        if (snapshot.LostEvents > 0)
        {
            warnings.Add(Invariant(
                $"WARNING: {snapshot.LostEvents} events were lost (dropped by the runtime while the tracer's reader was behind, or not decodable), so this data is incomplete and the estimates are too low"));
        }

        return warnings;
    }

    /// <summary>
    /// The note of a snapshot whose inlined methods are folded into their callers (taken without rich debug info), or
    /// null: said once wherever the snapshot is shown, with how to get them.
    /// </summary>
    public static string? InliningNote(Snapshot snapshot) =>
        snapshot.Info.InliningReported || snapshot.IsDegraded || snapshot.Traces.Count == 0
            ? null
            : "Note: methods the JIT inlined are folded into their callers' frames; start the process with DOTNET_RichDebugInfo=1 to see them as frames of their own";

    /// <summary>The warning of a report written by a tracer that had failed, or null.</summary>
    public static string? Of(TracerHealth? health) =>
        health is { State: TracerState.Failed }
            ? Invariant($"WARNING: the tracer failed at {health.Since:yyyy-MM-dd HH:mm:ss zzz}, so this data ends there: {health.Message}")
            : null;
}
