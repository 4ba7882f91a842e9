namespace MemTrack.Tests.TestSupport;

/// <summary>A theory about Unix behaviour (TMPDIR, file modes), skipped on Windows.</summary>
public sealed class UnixTheoryAttribute : TheoryAttribute
{
    public UnixTheoryAttribute()
    {
        if (OperatingSystem.IsWindows())
        {
            Skip = "Unix only (the runtime's IPC socket lives in TMPDIR).";
        }
    }
}
