using System.Diagnostics;
using System.Globalization;

namespace MemTrack.Cli.Internal;

/// <summary>Loads snapshot files for the commands: clear one-line errors, and progress for big files.</summary>
internal static class SnapshotInput
{
    /// <summary>Files at least this big get "Loading..." progress lines.</summary>
    public const long ProgressThreshold = 4L << 20;

    /// <exception cref="CommandFailedException">The file is missing, unreadable or not a snapshot.</exception>
    public static Snapshot Load(string path, CliConsole console)
    {
        var file = new FileInfo(path);
        if (!file.Exists)
        {
            throw new CommandFailedException($"{path}: no such file.");
        }

        bool progress = file.Length >= ProgressThreshold;
        if (progress)
        {
            console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Loading {path} ({file.Length / (1024.0 * 1024.0):0.0} MiB)..."));
        }

        var clock = Stopwatch.StartNew();
        try
        {
            Snapshot snapshot = Snapshot.Load(path);
            if (progress)
            {
                console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Loaded {snapshot.Traces.Count} traces in {clock.Elapsed.TotalSeconds:0.0} s."));
            }

            return snapshot;
        }
        catch (InvalidDataException ex)
        {
            throw new CommandFailedException($"{path} is not a readable MemTrack snapshot: {ex.Message}");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CommandFailedException($"{path} could not be read: {ex.Message}");
        }
    }

    /// <summary>The kind to show: the one asked for, else live when the snapshot has it, else allocated.</summary>
    /// <exception cref="CommandFailedException">Live was asked for and a snapshot has no live data.</exception>
    public static MemoryKind KindFor(MemoryKind? asked, params Snapshot[] snapshots)
    {
        bool live = snapshots.All(s => s.HasLiveData);
        if (asked == MemoryKind.Live && !live)
        {
            throw new CommandFailedException("The snapshot has no live data (it was taken with TrackLiveObjects off); use --kind allocated.");
        }

        return asked ?? (live ? MemoryKind.Live : MemoryKind.Allocated);
    }
}
