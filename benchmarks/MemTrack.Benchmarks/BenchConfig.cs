using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;

namespace MemTrack.Benchmarks;

/// <summary>
/// A short configuration for a shared 2-core machine: one launch, 2 warm-up and 8 measured iterations, so the whole
/// suite runs in a few minutes. Not precise: expect several percent of noise.
/// </summary>
public sealed class ShortConfig : ManualConfig
{
    public ShortConfig()
    {
        AddJob(Job.Default
            .WithLaunchCount(1)
            .WithWarmupCount(2)
            .WithIterationCount(8)
            .WithId("Short"));
        AddDiagnoser(MemoryDiagnoser.Default);
        AddColumn(StatisticColumn.P95, StatisticColumn.Min, StatisticColumn.Max);

        // Keep the results next to this project (benchmarks/MemTrack.Benchmarks/BenchmarkDotNet.Artifacts, git-ignored)
        // rather than in whatever directory the command was started from.
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
