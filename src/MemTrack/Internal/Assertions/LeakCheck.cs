using System.Globalization;
using System.Text;
using MemTrack.Internal.Formatting;
using MemTrack.Internal.Heap.Graph;

namespace MemTrack.Internal.Assertions;

/// <summary>
/// The leak check behind <see cref="MemoryAssert.NoLeaks(Action, LeakCheckOptions)"/>: warm up, capture the heap,
/// run the measured calls in two rounds with a capture after each, and report the types that grew in every round.
/// Requiring growth in each round, not just overall, is what separates a leak (growth in proportion to the calls)
/// from a cache or pool that grows once, and from objects other threads hold for a moment.
/// </summary>
internal static class LeakCheck
{
    private const int ReportedTypes = 10;

    /// <summary>Captures at most, once per process, to wait for a quiet heap before the first check.</summary>
    private const int SettlingCaptures = 4;

    /// <summary>Extra rounds that a suspected leak must keep growing in.</summary>
    private const int ConfirmationRounds = 2;

    /// <summary>Whether a first capture has run in this process (the first one loads and builds things once).</summary>
    private static bool s_settled;

    /// <summary>The failure message, or null when nothing leaked.</summary>
    public static string? Run(Action action, LeakCheckOptions options)
    {
        Run(action, options.WarmupIterations);

        // The first EventPipe session of a process builds the runtime's event metadata, and a test host keeps filling
        // its caches for a while after it starts: once per process, captures run until one finds nothing new.
        string? codeType = action.Target is object target ? RuntimeTypeName.Of(target.GetType()) : null;
        if (!Volatile.Read(ref s_settled))
        {
            Settle(options, codeType);
            Volatile.Write(ref s_settled, true);
        }

        List<int> rounds = options.Iterations >= 2 ? [options.Iterations / 2, options.Iterations - (options.Iterations / 2)] : [1];
        List<HeapCensus> censuses = [Census(options, codeType)];
        foreach (int calls in rounds)
        {
            Run(action, calls);
            Next(censuses, options, codeType);
        }

        // Growth that the process makes on its own (the thread pool adding a thread, a socket not yet closed) can
        // happen to fall in both rounds; a leak keeps growing. Suspects must grow in extra rounds too, each as long
        // as all before it, so that a collection that doubles its array as it fills grows in each of them as well.
        int planned = censuses.Count - 1;
        List<LeakedType> leaks = Leaks(censuses, planned, options);
        for (int confirm = 0; confirm < ConfirmationRounds && leaks.Count > 0; confirm++)
        {
            int calls = options.WarmupIterations + rounds.Sum();
            Run(action, calls);
            rounds.Add(calls);
            Next(censuses, options, codeType);
            leaks = Leaks(censuses, planned, options);
        }

        return leaks.Count == 0 ? null : Describe(leaks, rounds, options, censuses[^1]);
    }

    /// <summary>Takes the next census, after letting the previous one's capture go (only the last is reported on).</summary>
    private static void Next(List<HeapCensus> censuses, LeakCheckOptions options, string? codeType)
    {
        censuses[^1].ReleaseCapture();
        censuses.Add(Census(options, codeType));
    }

    private static void Settle(LeakCheckOptions options, string? codeType)
    {
        HeapCensus previous = Census(options, codeType);
        for (int attempt = 0; attempt < SettlingCaptures; attempt++)
        {
            previous.ReleaseCapture();
            HeapCensus next = Census(options, codeType);
            if (!next.Keys.Any(key => next[key].Count > previous[key].Count))
            {
                return;
            }

            previous = next;
        }
    }

    private static void Run(Action action, int calls)
    {
        for (int i = 0; i < calls; i++)
        {
            action();
        }
    }

    private static HeapCensus Census(LeakCheckOptions options, string? codeType)
    {
        GarbageCollection.Full();
        return HeapCensus.Of(HeapSnapshot.Capture(options.Capture), codeType);
    }

    /// <summary>
    /// The types that grew in every round under some holder. A type leaks by count when, summed over the holders
    /// under which its object count grew every round, it gained more than the allowed objects. Growth in size alone
    /// (an array resized in place, as a <c>List&lt;int&gt;</c> that keeps growing) counts under holders where no type
    /// gained objects every round: elsewhere it is the collection that holds those objects growing with them.
    /// </summary>
    /// <param name="censuses">One census before the rounds and one after each.</param>
    /// <param name="planned">The census after the planned rounds: the allowances apply to the growth up to it.</param>
    /// <param name="options">Allowances and ignored types.</param>
    private static List<LeakedType> Leaks(List<HeapCensus> censuses, int planned, LeakCheckOptions options)
    {
        var ignored = new HashSet<string>(options.IgnoredTypes, StringComparer.Ordinal);
        HeapCensus first = censuses[0];
        HeapCensus last = censuses[^1];
        var countGrowth = new List<Growth>();
        var sizeGrowth = new List<Growth>();
        var holdersGainingObjects = new HashSet<string>(StringComparer.Ordinal);
        foreach ((string type, string holder) key in last.Keys)
        {
            if (ignored.Contains(key.type))
            {
                continue;
            }

            bool countGrewEachRound = true;
            bool sizeGrewEachRound = true;
            for (int r = 1; r < censuses.Count; r++)
            {
                countGrewEachRound &= censuses[r][key].Count > censuses[r - 1][key].Count;
                sizeGrewEachRound &= censuses[r][key].Size > censuses[r - 1][key].Size;
            }

            var growth = new Growth(
                key.type,
                key.holder,
                last[key].Count - first[key].Count,
                last[key].Size - first[key].Size,
                (censuses[planned][key].Count - first[key].Count, censuses[planned][key].Size - first[key].Size));
            if (countGrewEachRound)
            {
                countGrowth.Add(growth);
                holdersGainingObjects.Add(key.holder);
            }
            else if (sizeGrewEachRound)
            {
                sizeGrowth.Add(growth);
            }
        }

        var leaks = new List<LeakedType>();
        foreach (var type in countGrowth.GroupBy(g => g.Type))
        {
            if (type.Sum(g => g.Allowed.Count) > options.AllowedObjects)
            {
                leaks.Add(Leak(type));
            }
        }

        foreach (var type in sizeGrowth.Where(g => !holdersGainingObjects.Contains(g.Holder)).GroupBy(g => g.Type))
        {
            if (type.Sum(g => g.Allowed.Size) > options.AllowedBytes)
            {
                leaks.Add(Leak(type));
            }
        }

        leaks.Sort((a, b) => b.SizeGrowth != a.SizeGrowth ? b.SizeGrowth.CompareTo(a.SizeGrowth) : string.CompareOrdinal(a.TypeName, b.TypeName));
        return leaks;

        static LeakedType Leak(IGrouping<string, Growth> type) =>
            new(type.Key, type.Sum(g => g.Count), type.Sum(g => g.Size), [.. type.OrderByDescending(g => g.Size).Select(g => (g.Holder, g.Count, g.Size))]);
    }

    private static string Describe(List<LeakedType> leaks, List<int> rounds, LeakCheckOptions options, HeapCensus last)
    {
        var text = new StringBuilder();
        string roundText = rounds.Count == 1 ? "1 iteration" : $"each of {rounds.Count} rounds ({string.Join(" + ", rounds)} iterations)";
        text.Append(CultureInfo.InvariantCulture, $"Expected no leaks, but {leaks.Count} type{(leaks.Count == 1 ? string.Empty : "s")} grew in {roundText}, after {options.WarmupIterations} warm-up iteration{(options.WarmupIterations == 1 ? string.Empty : "s")}:");
        foreach (LeakedType leak in leaks.Take(ReportedTypes))
        {
            text.AppendLine().Append(CultureInfo.InvariantCulture, $"  {leak.TypeName}: {Format(leak.CountGrowth, leak.SizeGrowth)} over {rounds.Sum()} iterations, held by:");
            foreach ((string holder, long count, long size) in leak.Holders.Take(3))
            {
                text.AppendLine().Append(CultureInfo.InvariantCulture, $"    {holder}: {Format(count, size)}");
            }
        }

        if (leaks.Count > ReportedTypes)
        {
            text.AppendLine().Append(CultureInfo.InvariantCulture, $"  ... and {leaks.Count - ReportedTypes} more types");
        }

        // The type with most new objects shows best what holds the leak (the largest growth is often the array
        // of the collection that holds them).
        LeakedType example = leaks.OrderByDescending(l => l.CountGrowth).First();
        if (last.Largest((example.TypeName, example.Holders[0].Holder)) is HeapObject leaked)
        {
            text.AppendLine().Append(HeldByReport.PathOf(last.Heap, leaked));
        }

        return text.ToString();
    }

    private static string Format(long count, long size) =>
        string.Create(CultureInfo.InvariantCulture, $"{count:+#;-#;0} objects, {SizeFormatter.Format(size, sign: true)}");

    /// <summary>What one type gained under one holder over all rounds, and over the planned rounds (which the allowances limit).</summary>
    private readonly record struct Growth(string Type, string Holder, long Count, long Size, (long Count, long Size) Allowed);
}
