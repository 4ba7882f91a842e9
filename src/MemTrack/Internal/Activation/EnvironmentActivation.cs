using System.Globalization;

namespace MemTrack.Internal.Activation;

/// <summary>
/// Starts tracing from environment variables, as <c>PYTHONTRACEMALLOC</c> does for Python; the startup hook
/// (MemTrack.StartupHook.dll) calls it before the app's <c>Main</c>. Variables:
/// <list type="bullet">
/// <item><c>MEMTRACK=&lt;depth&gt;</c>: frames per traceback, 1 to 100; unset, empty or 0 leaves tracing off.</item>
/// <item><c>MEMTRACK_REPORT=&lt;file&gt;</c>: where the exit report goes; default standard error.</item>
/// <item><c>MEMTRACK_TOP=&lt;n&gt;</c>: lines per view in the report, 1 to 1,000; default 10.</item>
/// <item><c>MEMTRACK_SNAPSHOT=&lt;file&gt;</c>: also dump the exit snapshot there.</item>
/// <item><c>MEMTRACK_LIVE=0</c>: trace allocations only, without live tracking (default 1).</item>
/// </list>
/// <c>{pid}</c> in a file name becomes the process id, so child processes that inherit the variables write their own
/// files; relative names are made absolute at start, and their folder must exist. A bad value, or a tracer that cannot start, gives one line on standard error and the app runs untraced.
/// </summary>
internal static class EnvironmentActivation
{
    public const string DepthVariable = "MEMTRACK";
    public const string ReportVariable = "MEMTRACK_REPORT";
    public const string TopVariable = "MEMTRACK_TOP";
    public const string SnapshotVariable = "MEMTRACK_SNAPSHOT";
    public const string LiveVariable = "MEMTRACK_LIVE";

    /// <summary>Starts tracing as the variables ask; returns whether it started. Never throws.</summary>
    /// <param name="variable">Reads one environment variable (null when unset).</param>
    /// <param name="errors">Where the one line about a bad value or a failed start goes.</param>
    public static bool Activate(Func<string, string?> variable, TextWriter errors)
    {
        MemTrackerOptions? options;
        try
        {
            options = Parse(variable, Environment.ProcessId);
        }
        catch (FormatException ex)
        {
            errors.WriteLine($"MemTrack: {ex.Message}; the app runs untraced.");
            return false;
        }

        if (options is null)
        {
            return false;
        }

        try
        {
            MemTracker.StartFromEnvironment(options);
            return true;
        }
        catch (Exception ex)
        {
            // Whatever goes wrong, the app must start: one line, and it runs untraced.
            errors.WriteLine($"MemTrack: tracing could not start: {ex.Message.ReplaceLineEndings(" ")} The app runs untraced.");
            return false;
        }
    }

    /// <summary>The options the variables ask for, or null when <c>MEMTRACK</c> leaves tracing off.</summary>
    /// <exception cref="FormatException">A variable has a bad value; the message names it and says what is allowed.</exception>
    public static MemTrackerOptions? Parse(Func<string, string?> variable, int processId)
    {
        ArgumentNullException.ThrowIfNull(variable);
        string? depthText = variable(DepthVariable);
        if (string.IsNullOrWhiteSpace(depthText))
        {
            return null;
        }

        int depth = ParseNumber(DepthVariable, depthText, 0, MemTrackerOptions.MaxDepth);
        if (depth == 0)
        {
            return null;
        }

        int top = variable(TopVariable) is { Length: > 0 } topText ? ParseNumber(TopVariable, topText, 1, ExitReportOptions.MaxTop) : ExitReportOptions.DefaultTop;
        bool live = variable(LiveVariable) is not { Length: > 0 } liveText || ParseNumber(LiveVariable, liveText, 0, 1) == 1;
        return new MemTrackerOptions
        {
            Depth = depth,
            TrackLiveObjects = live,
            ExitReport = new ExitReportOptions
            {
                Top = top,
                Path = FileName(ReportVariable, variable(ReportVariable), processId),
                SnapshotPath = FileName(SnapshotVariable, variable(SnapshotVariable), processId),
            },
        };
    }

    private static int ParseNumber(string name, string text, int min, int max)
    {
        if (!int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int value) || value < min || value > max)
        {
            throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"{name}='{text}' is not a whole number from {min} to {max}"));
        }

        return value;
    }

    /// <summary>
    /// A file named by a variable, made absolute now (the app may change its working directory before it exits) and
    /// checked now (a missing folder would otherwise show only at exit, after the whole run).
    /// </summary>
    private static string? FileName(string name, string? text, int processId)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        string path;
        try
        {
            path = Path.GetFullPath(text.Trim().Replace("{pid}", processId.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal));
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new FormatException($"{name}='{text}' is not a valid file name ({ex.Message})", ex);
        }

        if (!Directory.Exists(Path.GetDirectoryName(path)))
        {
            throw new FormatException($"{name}='{text}' names a folder that does not exist ({Path.GetDirectoryName(path)})");
        }

        return path;
    }
}
