using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;

namespace MemTrack.Benchmarks;

/// <summary>
/// What every configuration of this project shares: one job (given by the subclass), <see cref="MemoryDiagnoser"/>,
/// P95/Min/Max columns, and the results next to this project (benchmarks/MemTrack.Benchmarks/BenchmarkDotNet.Artifacts,
/// git-ignored) rather than in whatever directory the command was started from.
/// </summary>
public abstract class BenchConfig : ManualConfig
{
    protected BenchConfig(Job job)
    {
        AddJob(job);
        AddDiagnoser(MemoryDiagnoser.Default);
        AddColumn(StatisticColumn.P95, StatisticColumn.Min, StatisticColumn.Max);
        if (FindProjectDirectory() is { } projectDirectory)
        {
            ArtifactsPath = Path.Combine(projectDirectory, "BenchmarkDotNet.Artifacts");
        }
    }

    private static string? FindProjectDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "MemTrack.Benchmarks.csproj")))
            {
                return directory.FullName;
            }
        }

        return null;
    }
}
