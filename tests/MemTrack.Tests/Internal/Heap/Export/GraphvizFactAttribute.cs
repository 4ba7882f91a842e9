namespace MemTrack.Tests.Internal.Heap.Export;

/// <summary>A fact that is skipped when Graphviz's <c>dot</c> is not on the PATH.</summary>
public sealed class GraphvizFactAttribute : FactAttribute
{
    public GraphvizFactAttribute()
    {
        if (DotPath is null)
        {
            Skip = "Graphviz 'dot' is not installed.";
        }
    }

    public static string? DotPath { get; } = FindDot();

    private static string? FindDot()
    {
        string name = OperatingSystem.IsWindows() ? "dot.exe" : "dot";
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(dir, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
