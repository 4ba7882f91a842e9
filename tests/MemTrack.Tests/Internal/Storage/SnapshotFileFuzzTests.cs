using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Runtime.Loader;
using MemTrack.Internal.Analysis;
using MemTrack.Internal.Storage;
using MemTrack.Tests.Shared;
using Xunit.Abstractions;
using static MemTrack.Tests.TestSupport.SnapshotFactory;

namespace MemTrack.Tests.Internal.Storage;

/// <summary>
/// Snapshot files mutated and truncated from several valid seeds (<see cref="SnapshotMutator"/>): loading one either
/// gives a snapshot that every analysis and export accepts, or throws <see cref="InvalidDataException"/>; never another
/// exception, never a hang, never an allocation out of proportion to the file, and never a type or assembly loaded
/// because the file names it. The CI run checks 10,000 files with a fixed seed; MEMTRACK_FUZZ_ITERATIONS and
/// MEMTRACK_FUZZ_SEED run others (docs/reliability.md has the figures of a long run).
/// </summary>
[Trait("Category", "Slow")]
public sealed class SnapshotFileFuzzTests(ITestOutputHelper output) : IDisposable
{
    // Bounds far above what the format allows (see Allocation_per_file_is_bounded_by_the_file_size): a count read from
    // the file and trusted would allocate gigabytes; a quadratic parse would take seconds.
    private const int AllocationPerFileByte = 16;
    private const int AllocationConstant = 64 * 1024;
    private static readonly TimeSpan TimePerFile = TimeSpan.FromSeconds(2);

    // Assembly-qualified names of a framework assembly that the test host does not load and of one that does not exist.
    private const string UnloadedAssembly = "System.Net.Mail";
    private const string MissingAssembly = "MemTrack.Fuzz.Payload";

    private readonly string _directory = Directory.CreateTempSubdirectory("memtrack-fuzz-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Mutated_files_load_or_throw_InvalidDataException_in_bounded_time_and_memory_without_loading_types()
    {
        int iterations = TestSettings.Int("MEMTRACK_FUZZ_ITERATIONS", 10_000);
        int seed = TestSettings.Int("MEMTRACK_FUZZ_SEED", 20261121);
        (string Name, byte[] Data)[] seeds = Seeds();
        byte[][] seedData = [.. seeds.Select(s => s.Data)];
        IReadOnlyList<SnapshotMutator.Field>[] fields = [.. seeds.Select(s => SnapshotMutator.Fields(s.Data))];
        Snapshot[] parsedSeeds = [.. seedData.Select(d => SnapshotFile.Parse(d))];

        // Warm up: whatever loading, analysing and exporting loads once (JIT, the compression assembly) happens now.
        foreach (Snapshot snapshot in parsedSeeds)
        {
            Use(snapshot, parsedSeeds[0]);
        }

        _ = Record.Exception(() => SnapshotFile.Parse(seedData[0].AsSpan(0, 20)));
        bool unloadedBefore = IsLoaded(UnloadedAssembly);

        var loads = new List<string>();
        int thread = Environment.CurrentManagedThreadId;
        AssemblyLoadEventHandler onLoad = (_, e) => Note(loads, thread, "loaded " + e.LoadedAssembly.FullName);
        ResolveEventHandler onResolve = (_, e) => Note(loads, thread, "asked to resolve " + e.Name);
        Func<AssemblyLoadContext, AssemblyName, Assembly?> onContextResolve = (_, name) => Note(loads, thread, "asked to resolve " + name);
        AppDomain.CurrentDomain.AssemblyLoad += onLoad;
        AppDomain.CurrentDomain.AssemblyResolve += onResolve;
        AppDomain.CurrentDomain.TypeResolve += onResolve;
        AssemblyLoadContext.Default.Resolving += onContextResolve;
        var random = new Random(seed);
        var failures = new List<string>();
        var reasons = new Dictionary<string, int>(StringComparer.Ordinal);
        int accepted = 0;
        long maxAllocated = 0;
        double maxRatio = 0;
        TimeSpan maxTime = TimeSpan.Zero;
        string slowest = string.Empty;
        var clock = Stopwatch.StartNew();
        try
        {
            for (int i = 0; i < iterations && failures.Count < 10; i++)
            {
                int which = random.Next(seeds.Length);
                (byte[] mutated, string description) = SnapshotMutator.Mutate(seedData[which], fields[which], seedData, random);
                bool checksumFixed = random.Next(2) == 0;
                if (checksumFixed)
                {
                    mutated = SnapshotMutator.WithChecksum(mutated);
                }

                string what = $"file {i} from {seeds[which].Name} ({description}{(checksumFixed ? ", checksum fixed" : string.Empty)}, {mutated.Length} bytes)";
                bool fromDisk = i % 50 == 0;
                long before = GC.GetAllocatedBytesForCurrentThread();
                long start = Stopwatch.GetTimestamp();
                Exception? error = Record.Exception(() => Load(mutated, fromDisk));
                TimeSpan time = Stopwatch.GetElapsedTime(start);
                long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                if (!fromDisk)
                {
                    maxAllocated = Math.Max(maxAllocated, allocated);
                    if (mutated.Length >= 1024)
                    {
                        maxRatio = Math.Max(maxRatio, (double)allocated / mutated.Length);
                    }

                    if (allocated > ((long)AllocationPerFileByte * mutated.Length) + AllocationConstant)
                    {
                        failures.Add($"{what}: allocated {allocated} bytes");
                    }
                }

                if (time > maxTime)
                {
                    (maxTime, slowest) = (time, what);
                }

                if (time > TimePerFile)
                {
                    failures.Add($"{what}: took {time}");
                }

                if (error is null)
                {
                    accepted++;
                    Exception? useError = Record.Exception(() => Use(SnapshotFile.Parse(mutated), parsedSeeds[which]));
                    if (useError is not null)
                    {
                        failures.Add($"{what} loaded, then failed in use: {useError}");
                    }
                }
                else if (error is InvalidDataException)
                {
                    string reason = Reason(error.Message);
                    reasons[reason] = reasons.GetValueOrDefault(reason) + 1;
                }
                else
                {
                    failures.Add($"{what}: {error}");
                }
            }
        }
        finally
        {
            AppDomain.CurrentDomain.AssemblyLoad -= onLoad;
            AppDomain.CurrentDomain.AssemblyResolve -= onResolve;
            AppDomain.CurrentDomain.TypeResolve -= onResolve;
            AssemblyLoadContext.Default.Resolving -= onContextResolve;
        }

        TimeSpan elapsed = clock.Elapsed;
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"seed {seed}: {iterations} files in {elapsed.TotalSeconds:0.0} s ({iterations / elapsed.TotalSeconds:0} files/s), {accepted} loaded, {iterations - accepted} rejected, {failures.Count} failures"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"slowest load {maxTime.TotalMilliseconds:0.000} ms: {slowest}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"largest allocation {maxAllocated} bytes; largest allocation per file byte (files of 1 KiB or more) {maxRatio:0.00}"));
        foreach ((string reason, int count) in reasons.OrderByDescending(pair => pair.Value).Take(20))
        {
            output.WriteLine($"{count,7} {reason}");
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.True(loads.Count == 0, "loading snapshot files loaded or resolved assemblies: " + string.Join("; ", loads.Distinct()));
        Assert.False(!unloadedBefore && IsLoaded(UnloadedAssembly), $"{UnloadedAssembly}, named by a seed's types, was loaded");
        Assert.False(IsLoaded(MissingAssembly), $"{MissingAssembly} was loaded");

        // Every kind of outcome happened: the fuzzer reaches past the checksum into the structure checks, and some
        // mutations (of values, with the checksum fixed) are valid files.
        Assert.InRange(accepted, 1, iterations / 2);
        Assert.Contains(reasons.Keys, key => key.StartsWith("checksum mismatch", StringComparison.Ordinal));
        Assert.Contains(reasons.Keys, key => key.StartsWith("truncated", StringComparison.Ordinal));
        Assert.True(reasons.Count >= 12, $"only {reasons.Count} kinds of rejection: {string.Join(", ", reasons.Keys)}");
    }

    [Fact]
    public void A_long_name_shared_by_many_frames_and_traces_loads_in_time_linear_in_the_file()
    {
        // A 1 MiB method name that 200 frames share, and traces that refer to those frames 250,000 times: 2 MB of file.
        // Hashing the name once per reference (the frames' default record hash) took 1.5 ms per reference here, about
        // 6 minutes for this file; from each name's hash, computed once, it takes milliseconds. (The writer still hashes
        // the name once per distinct frame, which is why the frames are few.)
        string longName = new('m', SnapshotFile.MaxStringBytes);
        Frame[] frames = [.. Enumerable.Range(1, 200).Select(line => new Frame(longName, "/src/x.cs", line, "x.dll"))];
        Trace[] traces = [.. Enumerable.Range(0, 250).Select(t => Trace("T", Stats(1, 1), [.. Enumerable.Range(0, 1000).Select(j => frames[((t * 1000) + j) % frames.Length])]))];
        byte[] file = SnapshotFile.Serialize(new Snapshot(new SnapshotInfo(1000, TakenAt, 0, 0, Epoch, HasLiveData: true), traces));

        var clock = Stopwatch.StartNew();
        Snapshot loaded = SnapshotFile.Parse(file);
        TimeSpan load = clock.Elapsed;
        clock.Restart();
        IReadOnlyList<Statistic> cumulative = loaded.Statistics(KeyType.LineNo, cumulative: true);
        TimeSpan statistics = clock.Elapsed;

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{file.Length} bytes: load {load.TotalMilliseconds:0} ms, cumulative statistics {statistics.TotalMilliseconds:0} ms"));
        Assert.Equal(200, cumulative.Count);
        Assert.True(load < TimeSpan.FromSeconds(20), $"loading took {load}");
        Assert.True(statistics < TimeSpan.FromSeconds(20), $"statistics took {statistics}");
    }

    [Fact]
    public void A_loaded_frame_equals_and_hashes_as_the_same_frame_built_in_code()
    {
        Frame built = new("App.Orders.Create", "/src/App/Orders.cs", 10, "App.dll");
        Frame noSource = new("System.String.Concat", null, 0, "System.Private.CoreLib.dll");
        Snapshot loaded = SnapshotFile.Parse(SnapshotFile.Serialize(Snapshot(Trace("T", Stats(1, 1), built, noSource))));
        Frame readBack = loaded.Traces[0].Traceback[0];
        Frame readBackNoSource = loaded.Traces[0].Traceback[1];

        Assert.NotSame(built, readBack);
        Assert.Equal(built, readBack);
        Assert.Equal(built.GetHashCode(), readBack.GetHashCode());
        Assert.Equal(noSource, readBackNoSource);
        Assert.Equal(noSource.GetHashCode(), readBackNoSource.GetHashCode());
        Assert.Equal(Snapshot(Trace("T", Stats(1, 1), built, noSource)).Traces[0].Traceback, loaded.Traces[0].Traceback);
        Assert.Equal(readBack with { LineNumber = 11 }, built with { LineNumber = 11 });
        Assert.Equal((readBack with { LineNumber = 11 }).GetHashCode(), new Frame(built.Method, built.FileName, 11, built.Module).GetHashCode());
        Assert.NotEqual(readBack, readBack with { Module = "Other.dll" });
    }

    /// <summary>Valid files of every shape the format has: empty, with and without live data, version 1, long and odd names.</summary>
    private static (string Name, byte[] Data)[] Seeds()
    {
        Frame main = Frame("/src/App/Program.cs", 5, "App.Program.Main");
        Frame create = Frame("/src/App/Orders.cs", 10, "App.Orders.Create");
        Frame unicode = Frame("/src/Ünïcødé/日本語.cs", 2_000_000, "App.Ünïcødé.Método\U0001F600", "Ünï.dll");
        Frame concat = NoSource("System.String.Concat", "System.Private.CoreLib.dll");
        Frame mail = Frame("/nonexistent/Mail.cs", 1, "System.Net.Mail.SmtpClient..ctor", UnloadedAssembly + ".dll");
        Frame payload = NoSource("MemTrack.Fuzz.Payload.Boom", MissingAssembly + ".dll");
        Frame[] pool = [main, create, unicode, concat, mail, payload, .. Enumerable.Range(1, 14).Select(i => Frame($"/src/App/Deep{i % 3}.cs", i, $"App.Deep.Level{i}"))];
        var random = new Random(42);
        Trace[] wide = [.. Enumerable.Range(0, 40).Select(i => Trace(
            $"App.Type{i % 7}[]",
            Stats(random.NextDouble() * 1e6, random.Next(1, 1000), random.Next(1, 100), random.NextDouble(), random.NextDouble()),
            Stats(random.NextDouble() * 1e5, random.Next(0, 100), random.Next(0, 10)),
            [.. Enumerable.Range(0, random.Next(0, 12)).Select(_ => pool[random.Next(pool.Length)])]))];
        var info = new SnapshotInfo(25, new DateTimeOffset(2031, 12, 31, 23, 59, 59, TimeSpan.FromMinutes(345)).AddTicks(1234567), long.MaxValue, 42, Epoch, HasLiveData: true);
        Trace[] rich =
        [
            Trace("System.Byte[]", Stats(1.0 / 3, Math.PI, 1, double.Epsilon, 1e300), create, main),
            new Trace(new Traceback([concat, create, main], totalFrames: 90), "System.String", Stats(123456789.123, 0.1, long.MaxValue, 0, 5e-324), Stats(2.5, 1e-3, 7, 1e10, 0)),
            Trace("System.Collections.Generic.Dictionary`2[System.String,System.Int32]", Stats(0, 0, 0), unicode, unicode, main),
            Trace(string.Empty, Stats(1e-10, 2.5), concat),
        ];
        Trace[] qualified =
        [
            Trace($"System.Net.Mail.SmtpClient, {UnloadedAssembly}, Version=10.0.0.0, Culture=neutral, PublicKeyToken=cc7b13ffcd2ddd51", Stats(100, 1), mail, main),
            Trace($"{MissingAssembly}.Boom, {MissingAssembly}, Version=1.0.0.0, Culture=neutral, PublicKeyToken=null", Stats(200, 2), payload),
            Trace("System.Type, System.Private.CoreLib", Stats(300, 3), payload, mail),
        ];
        byte[] version1 = SnapshotFile.Serialize(WithoutLiveData([.. wide.Take(5)]));
        version1[8] = 1;
        return
        [
            ("empty", SnapshotFile.Serialize(Snapshot())),
            ("empty without live data", SnapshotFile.Serialize(WithoutLiveData())),
            ("one trace", SnapshotFile.Serialize(Snapshot(Trace("T", Stats(3.5, 1.25, 2, 0.5, 0.75), Frame("f.cs", 9, "M", "D.dll"))))),
            ("rich", SnapshotFile.Serialize(new Snapshot(info, rich))),
            ("assembly-qualified types", SnapshotFile.Serialize(Snapshot(qualified))),
            ("wide", SnapshotFile.Serialize(Snapshot(wide))),
            ("wide without live data", SnapshotFile.Serialize(WithoutLiveData(wide))),
            ("version 1", SnapshotMutator.WithChecksum(version1)),
        ];
    }

    /// <summary>What a user does with a loaded snapshot: every statistic, a diff, every export, a report, filters, a round trip.</summary>
    private static void Use(Snapshot snapshot, Snapshot other)
    {
        MemoryKind[] kinds = snapshot.HasLiveData ? [MemoryKind.Allocated, MemoryKind.Live] : [MemoryKind.Allocated];
        foreach (MemoryKind kind in kinds)
        {
            foreach (KeyType key in Enum.GetValues<KeyType>())
            {
                _ = snapshot.Statistics(key, kind: kind);
                if (key is KeyType.LineNo or KeyType.FileName or KeyType.Method)
                {
                    _ = snapshot.Statistics(key, cumulative: true, kind: kind);
                }
            }

            if (other.HasLiveData || kind == MemoryKind.Allocated)
            {
                _ = snapshot.CompareTo(other, KeyType.LineNo, kind: kind);
                _ = snapshot.CompareTo(other, KeyType.Traceback, kind: kind);
            }

            foreach (ExportFormat format in Enum.GetValues<ExportFormat>())
            {
                using var stream = new MemoryStream();
                snapshot.Export(stream, format, kind);
            }
        }

        snapshot.WriteReport(TextWriter.Null, top: 5, tracebackFrames: 3);
        _ = snapshot.FilterTraces([new Filter(true, "*App*", allFrames: true), new TypeFilter(false, "System.*")]);
        Snapshot again = SnapshotFile.Parse(SnapshotFile.Serialize(snapshot));
        Assert.Equal(snapshot.Traces.Count, again.Traces.Count);
    }

    private Snapshot Load(byte[] data, bool fromDisk)
    {
        if (!fromDisk)
        {
            return SnapshotFile.Parse(data);
        }

        string path = Path.Combine(_directory, "fuzz.mtsnap");
        File.WriteAllBytes(path, data);
        return Snapshot.Load(path);
    }

    private static bool IsLoaded(string assemblyName) =>
        AppDomain.CurrentDomain.GetAssemblies().Any(a => string.Equals(a.GetName().Name, assemblyName, StringComparison.OrdinalIgnoreCase));

    private static Assembly? Note(List<string> loads, int thread, string what)
    {
        // Other tests run in parallel and load assemblies on their threads; the loads are read on this thread.
        if (Environment.CurrentManagedThreadId == thread)
        {
            loads.Add(what);
        }

        return null;
    }

    // The kind of rejection: the message without its numbers, e.g. "string at byte has an invalid length".
    private static string Reason(string message)
    {
        string text = message["Invalid MemTrack snapshot file: ".Length..];
        int cut = text.IndexOfAny(['(', ';', ':']);
        text = cut > 0 ? text[..cut] : text;
        return string.Join(' ', text.Split(' ').Where(word => !word.Any(char.IsDigit) && word != "-")).Trim();
    }
}
