using MemTrack.Internal.Activation;

namespace MemTrack.Tests.Internal.Activation;

public sealed class EnvironmentActivationTests
{
    [Fact]
    public void MemtrackSetsTheDepthAndAsksForAReportToStandardError()
    {
        MemTrackerOptions? options = EnvironmentActivation.Parse(Variables(("MEMTRACK", "25")), processId: 42);

        Assert.NotNull(options);
        Assert.Equal(25, options.Depth);
        Assert.True(options.TrackLiveObjects);
        Assert.Equal(new ExitReportOptions(), options.ExitReport);
    }

    [Fact]
    public void EveryVariableIsRead()
    {
        string report = Path.Combine(Path.GetTempPath(), "r-{pid}.txt");
        MemTrackerOptions? options = EnvironmentActivation.Parse(
            Variables(("MEMTRACK", " 4 "), ("MEMTRACK_TOP", "7"), ("MEMTRACK_LIVE", "0"), ("MEMTRACK_REPORT", report), ("MEMTRACK_SNAPSHOT", "s.mtsnap")),
            processId: 42);

        Assert.NotNull(options);
        Assert.Equal(4, options.Depth);
        Assert.False(options.TrackLiveObjects);
        var expected = new ExitReportOptions { Top = 7, Path = Path.Combine(Path.GetTempPath(), "r-42.txt"), SnapshotPath = Path.GetFullPath("s.mtsnap") };
        Assert.Equal(expected, options.ExitReport);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("0")]
    public void UnsetEmptyOrZeroLeavesTracingOff(string? value) =>
        Assert.Null(EnvironmentActivation.Parse(Variables(("MEMTRACK", value), ("MEMTRACK_TOP", "bad")), processId: 1));

    [Theory]
    [InlineData("MEMTRACK", "-1", "MEMTRACK='-1' is not a whole number from 0 to 100")]
    [InlineData("MEMTRACK", "1.5", "MEMTRACK='1.5' is not a whole number from 0 to 100")]
    [InlineData("MEMTRACK", "99999999999", "MEMTRACK='99999999999' is not a whole number from 0 to 100")]
    [InlineData("MEMTRACK_TOP", "1001", "MEMTRACK_TOP='1001' is not a whole number from 1 to 1000")]
    [InlineData("MEMTRACK_LIVE", "2", "MEMTRACK_LIVE='2' is not a whole number from 0 to 1")]
    public void ABadValueIsNamedWithWhatIsAllowed(string variable, string value, string message)
    {
        var lookup = Variables(("MEMTRACK", variable == "MEMTRACK" ? value : "10"), (variable, value));

        var error = Assert.Throws<FormatException>(() => EnvironmentActivation.Parse(lookup, processId: 1));
        Assert.Equal(message, error.Message);
    }

    [Theory]
    [InlineData("MEMTRACK_REPORT")]
    [InlineData("MEMTRACK_SNAPSHOT")]
    public void AFileInAFolderThatDoesNotExistIsRefusedAtStart(string variable)
    {
        string missing = Path.Combine(Path.GetTempPath(), "memtrack-missing-" + Guid.NewGuid().ToString("N"));
        string file = Path.Combine(missing, "out.txt");

        var error = Assert.Throws<FormatException>(() => EnvironmentActivation.Parse(Variables(("MEMTRACK", "5"), (variable, file)), processId: 1));

        Assert.Equal($"{variable}='{file}' names a folder that does not exist ({missing})", error.Message);
    }

    [Fact]
    public void ActivateWritesOneLineForABadValueAndDoesNotStart()
    {
        var errors = new StringWriter();

        bool started = EnvironmentActivation.Activate(Variables(("MEMTRACK", "x")), errors);

        Assert.False(started);
        Assert.False(MemTracker.IsTracing);
        Assert.Equal("MemTrack: MEMTRACK='x' is not a whole number from 0 to 100; the app runs untraced." + Environment.NewLine, errors.ToString());
    }

    [Fact]
    public void ActivateWithoutMemtrackDoesNothing()
    {
        var errors = new StringWriter();

        Assert.False(EnvironmentActivation.Activate(Variables(), errors));
        Assert.Equal(string.Empty, errors.ToString());
    }

    private static Func<string, string?> Variables(params (string Name, string? Value)[] values)
    {
        var map = new Dictionary<string, string?>();
        foreach ((string name, string? value) in values)
        {
            map[name] = value;
        }

        return name => map.GetValueOrDefault(name);
    }
}
