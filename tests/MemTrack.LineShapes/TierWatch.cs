using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace MemTrack.LineShapes;

/// <summary>
/// Watches the runtime's method-load events and remembers the optimization tier of each method's latest code (bits 7-9
/// of MethodFlags: 1 MinOptJitted, 2 Optimized, 3 QuickJitted, 4 OptimizedTier1, 5 OptimizedTier1OSR,
/// 6 QuickJittedInstrumented, 7 OptimizedTier1Instrumented), so a shape is measured only once its methods run optimized.
/// </summary>
internal sealed class TierWatch : EventListener
{
    private const string RuntimeProvider = "Microsoft-Windows-DotNETRuntime";
    private const int MethodLoadVerbose = 143;
    private const long JitKeyword = 0x10;

    private readonly ConcurrentDictionary<string, int> _tiers = new(StringComparer.Ordinal);

    /// <summary>The latest tier of every method seen, by <c>Namespace.Name</c>.</summary>
    public IReadOnlyDictionary<string, int> Tiers => _tiers;

    public static string TierName(int tier) => tier switch
    {
        1 => "MinOptJitted",
        2 => "Optimized",
        3 => "QuickJitted",
        4 => "OptimizedTier1",
        5 => "OptimizedTier1OSR",
        6 => "QuickJittedInstrumented",
        7 => "OptimizedTier1Instrumented",
        _ => "Unknown",
    };

    public static bool IsOptimized(int tier) => tier is 2 or 4 or 5;

    /// <summary>The tiers of the methods matching <paramref name="pattern"/> (a substring of <c>Namespace.Name</c>).</summary>
    public IEnumerable<(string Method, int Tier)> Matching(string pattern) =>
        _tiers.Where(pair => pair.Key.StartsWith("MemTrack.LineShapes.", StringComparison.Ordinal) && pair.Key.Contains(pattern, StringComparison.Ordinal)).Select(pair => (pair.Key, pair.Value));

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == RuntimeProvider)
        {
            EnableEvents(eventSource, EventLevel.Verbose, (EventKeywords)JitKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (eventData.EventId != MethodLoadVerbose || eventData.Payload is not { } payload || eventData.PayloadNames is not { } names)
        {
            return;
        }

        string ns = payload[names.IndexOf("MethodNamespace")] as string ?? string.Empty;
        string name = payload[names.IndexOf("MethodName")] as string ?? string.Empty;
        uint flags = Convert.ToUInt32(payload[names.IndexOf("MethodFlags")], System.Globalization.CultureInfo.InvariantCulture);
        _tiers[ns + "." + name] = (int)((flags >> 7) & 0x7);
    }
}
