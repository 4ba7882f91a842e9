using MemTrack;

/// <summary>
/// Writes every kind of file MemTrack writes into the folder given (<c>write-files &lt;folder&gt;</c>): a snapshot
/// (Dump), each export format, and, at exit, the report and its snapshot. Also writes <c>control.txt</c> with
/// File.WriteAllText, whose mode shows the umask the test ran this app with.
/// </summary>
internal static class FilesScenario
{
    public static int Run(string folder)
    {
        MemTracker.Start(new MemTrackerOptions
        {
            Depth = 5,
            ExitReport = new ExitReportOptions { Path = Path.Combine(folder, "exit-report.txt"), SnapshotPath = Path.Combine(folder, "exit-snapshot.mtsnap") },
        });
        byte[][] kept = [.. Enumerable.Range(0, 200).Select(_ => new byte[10_000])];
        Snapshot snapshot = MemTracker.TakeSnapshot();
        snapshot.Dump(Path.Combine(folder, "dump.mtsnap"));
        foreach (ExportFormat format in Enum.GetValues<ExportFormat>())
        {
            snapshot.Export(Path.Combine(folder, "export-" + format), format);
        }

        File.WriteAllText(Path.Combine(folder, "control.txt"), "written with the process's umask");
        Console.WriteLine($"kept={kept.Length} traces={snapshot.Traces.Count}");
        return 0;
    }
}
