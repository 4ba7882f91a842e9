using MemTrack.Internal.Analysis;
using MemTrack.Internal.Sampling;

namespace MemTrack.Tests.TestSupport;

/// <summary>
/// Builds synthetic frames, traces and snapshots with exact, hand-picked statistics. Unless a test says otherwise,
/// every object of a synthetic trace is still alive (live statistics equal allocated ones).
/// </summary>
internal static class SnapshotFactory
{
    public static readonly Guid Epoch = new("6f1c2a9e-3b4d-4e5f-8a7b-9c0d1e2f3a4b");

    public static readonly DateTimeOffset TakenAt = new(2024, 5, 1, 12, 30, 15, TimeSpan.FromHours(2));

    public static Frame Frame(string file, int line, string method = "App.Program.Main", string module = "App.dll") =>
        new(method, file, line, module);

    public static Frame NoSource(string method, string module = "Lib.dll") => new(method, null, 0, module);

    public static SampleStats Stats(double size, double count, long samples = 1, double sizeVariance = 0, double countVariance = 0) =>
        new() { Samples = samples, Size = size, Count = count, SizeVariance = sizeVariance, CountVariance = countVariance };

    public static Trace Trace(double size, double count, params Frame[] frames) =>
        Trace("System.Byte[]", Stats(size, count), frames);

    public static Trace Trace(string typeName, SampleStats stats, params Frame[] frames) =>
        new(new Traceback(frames), typeName, stats, stats);

    public static Trace Trace(string typeName, SampleStats allocated, SampleStats live, params Frame[] frames) =>
        new(new Traceback(frames), typeName, allocated, live);

    public static Snapshot Snapshot(params Trace[] traces) => Snapshot(Epoch, TakenAt, traces);

    public static Snapshot Snapshot(Guid epoch, DateTimeOffset takenAt, params Trace[] traces) =>
        new(new SnapshotInfo(10, takenAt, 123_456_789, 3, epoch, HasLiveData: true), traces);

    public static Snapshot WithoutLiveData(params Trace[] traces) =>
        new(new SnapshotInfo(10, TakenAt, 123_456_789, 3, Epoch, HasLiveData: false), traces);
}
