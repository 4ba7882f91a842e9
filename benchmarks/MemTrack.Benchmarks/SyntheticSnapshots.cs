using System.Globalization;
using MemTrack.Internal.Analysis;
using MemTrack.Internal.Sampling;

namespace MemTrack.Benchmarks;

/// <summary>
/// Large synthetic snapshots for the analysis and file benchmarks, built through MemTrack's internal constructors as
/// the unit tests' SnapshotFactory does. Each site has a distinct traceback of <see cref="Depth"/> frames: the
/// innermost frame from <see cref="AllocatingLines"/> allocating lines, the callers from a pool of
/// <see cref="Files"/> x <see cref="LinesPerFile"/> frames; the type from a few dozen names. Frames and tracebacks are
/// shared between the two snapshots of a pair, as in snapshots taken from one tracing session. Deterministic (seeded).
/// </summary>
internal static class SyntheticSnapshots
{
    public const int Depth = 10;
    public const int Files = 500;
    public const int LinesPerFile = 40;
    public const int AllocatingLines = 3_000;

    /// <summary>Share of the older snapshot's sites that the newer one also has.</summary>
    public const double SharedSites = 0.7;

    private static readonly string[] TypeNames =
    [
        .. new[] { "System.Byte[]", "System.String", "System.Char[]", "System.Int32[]", "System.Object[]" },
        .. Enumerable.Range(0, 35).Select(i => string.Create(CultureInfo.InvariantCulture, $"Contoso.Shop.Model.Entity{i:D2}")),
    ];

    private static readonly long[] ObjectSizes = [24, 32, 48, 64, 100, 256, 1_024, 8_192, 100_000];

    /// <summary>
    /// Two snapshots of one tracing epoch with <paramref name="sites"/> sites each: the newer one keeps
    /// <see cref="SharedSites"/> of the older one's sites (with more samples) and adds new ones.
    /// </summary>
    public static (Snapshot Old, Snapshot New) CreatePair(int sites)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sites, 1);
        var random = new Random(sites);
        int shared = (int)(sites * SharedSites);
        int added = sites - shared;
        (Traceback Traceback, string TypeName, long ObjectSize)[] keys = DistinctSites(random, sites + added);
        var oldTraces = new Trace[sites];
        var newTraces = new Trace[sites];
        for (int i = 0; i < sites; i++)
        {
            oldTraces[i] = RandomTrace(random, keys[i], previous: null);
        }

        for (int i = 0; i < sites; i++)
        {
            int site = sites - shared + i;
            newTraces[i] = RandomTrace(random, keys[site], site < sites ? oldTraces[site] : null);
        }

        var epoch = Guid.NewGuid();
        var takenAt = new DateTimeOffset(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);
        return (Create(oldTraces, takenAt, epoch), Create(newTraces, takenAt.AddSeconds(10), epoch));
    }

    private static Snapshot Create(Trace[] traces, DateTimeOffset takenAt, Guid epoch)
    {
        long exact = (long)traces.Sum(t => t.Allocated.Size);
        return new Snapshot(new SnapshotInfo(Depth, takenAt, exact, LostEvents: 0, epoch, HasLiveData: true), traces);
    }

    private static (Traceback, string, long)[] DistinctSites(Random random, int count)
    {
        Frame[] frames = FramePool(random);
        var seen = new HashSet<Traceback>(count);
        var keys = new (Traceback, string, long)[count];
        var stack = new Frame[Depth];
        for (int i = 0; i < count; i++)
        {
            Traceback traceback;
            do
            {
                stack[0] = frames[random.Next(AllocatingLines)];
                for (int f = 1; f < Depth; f++)
                {
                    stack[f] = frames[random.Next(frames.Length)];
                }

                traceback = new Traceback(stack, totalFrames: Depth + random.Next(20));
            }
            while (!seen.Add(traceback));

            keys[i] = (traceback, TypeNames[random.Next(TypeNames.Length)], ObjectSizes[random.Next(ObjectSizes.Length)]);
        }

        return keys;
    }

    private static Frame[] FramePool(Random random)
    {
        var frames = new Frame[Files * LinesPerFile];
        for (int file = 0; file < Files; file++)
        {
            int module = file / 25;
            string path = string.Create(CultureInfo.InvariantCulture, $"/home/build/src/Contoso.Shop/Module{module:D2}/Services/Service{file:D3}.cs");
            string moduleName = string.Create(CultureInfo.InvariantCulture, $"Contoso.Shop.Module{module:D2}.dll");
            for (int line = 0; line < LinesPerFile; line++)
            {
                string method = string.Create(CultureInfo.InvariantCulture, $"Contoso.Shop.Module{module:D2}.Service{file:D3}.Operation{line / 5}");
                frames[(file * LinesPerFile) + line] = new Frame(method, path, 20 + (line * 7), moduleName);
            }
        }

        // Allocating lines (the first AllocatingLines frames) spread over all files rather than the first few.
        random.Shuffle(frames);
        return frames;
    }

    /// <summary>
    /// A trace with 1 to ~200 samples of the site's object size, most sites small; a quarter to all of them still
    /// alive. With <paramref name="previous"/> (the same site in the older snapshot), the samples add to its samples.
    /// </summary>
    private static Trace RandomTrace(Random random, (Traceback Traceback, string TypeName, long ObjectSize) key, Trace? previous)
    {
        double skew = random.NextDouble();
        long samples = 1 + (long)(skew * skew * skew * 200);
        SampleStats one = SampleStats.One(key.ObjectSize);
        SampleStats allocated = Times(one, samples);
        if (previous is not null)
        {
            allocated.Add(previous.Allocated);
        }

        long liveSamples = Math.Max(1, (long)(allocated.Samples * (0.25 + (0.75 * random.NextDouble()))));
        return new Trace(key.Traceback, key.TypeName, allocated, Times(one, liveSamples));
    }

    private static SampleStats Times(in SampleStats one, long samples) => new()
    {
        Samples = samples,
        Size = one.Size * samples,
        Count = one.Count * samples,
        SizeVariance = one.SizeVariance * samples,
        CountVariance = one.CountVariance * samples,
    };
}
