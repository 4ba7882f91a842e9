using MemTrack.Internal.Analysis;
using static MemTrack.Tests.TestSupport.SnapshotFactory;

namespace MemTrack.Cli.Tests;

/// <summary>Small handmade snapshots written to a temporary folder, deleted with it.</summary>
internal sealed class SnapshotFiles : IDisposable
{
    public static readonly Frame Leak = Frame("Cache.cs", 12, "App.Cache.Add");
    public static readonly Frame Render = Frame("Page.cs", 30, "App.Page.Render");
    public static readonly Frame Main = Frame("Program.cs", 5, "App.Program.Main");

    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("memtrack-cli-").FullName;

    /// <summary>A cache that holds 4 KiB and a page renderer that made 20 KiB of garbage.</summary>
    public string Before() => Write("before.mtsnap", Snapshot(
        Trace("System.Byte[]", Stats(4096, 4), Stats(4096, 4), Leak, Main),
        Trace("System.String", Stats(20_480, 100), Stats(0, 0, samples: 0), Render, Main)));

    /// <summary>The same, later: the cache holds 40 KiB, the renderer made 200 KiB of garbage.</summary>
    public string After() => Write("after.mtsnap", Snapshot(
        Trace("System.Byte[]", Stats(40_960, 40), Stats(40_960, 40), Leak, Main),
        Trace("System.String", Stats(204_800, 1000), Stats(0, 0, samples: 0), Render, Main)));

    public string WithoutLive() => Write("nolive.mtsnap", WithoutLiveData(Trace(3000, 3, Leak, Main)));

    /// <summary>A snapshot with nothing lost.</summary>
    public string Complete() => Write("complete.mtsnap", new Snapshot(new SnapshotInfo(10, TakenAt, 1_000, 0, Epoch, HasLiveData: true), [Trace(4096, 4, Leak, Main)]));

    /// <summary>A snapshot taken in degraded mode: the exact total only.</summary>
    public string Degraded() => Write("degraded.mtsnap", new Snapshot(new SnapshotInfo(10, TakenAt, 1_000_000, 0, Epoch, HasLiveData: false, IsDegraded: true), []));

    public string Path(string name) => System.IO.Path.Combine(Directory, name);

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);

    private string Write(string name, Snapshot snapshot)
    {
        string path = Path(name);
        snapshot.Dump(path);
        return path;
    }
}
