using MemTrack.Extensions.Hosting.Internal;
using MemTrack.Extensions.Hosting.Tests.TestSupport;
using MemTrack.Tests.TestSupport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MemTrack.Extensions.Hosting.Tests.Internal;

/// <summary>Option checks, alone and as the host runs them at start.</summary>
public sealed class MemTrackHostingOptionsValidatorTests
{
    public static TheoryData<string, string> BadOptions => new()
    {
        { "Top=0", "MemTrackHostingOptions.Top must be at least 1; it was 0." },
        { "Top=-5", "MemTrackHostingOptions.Top must be at least 1; it was -5." },
        { "LogInterval=0", "MemTrackHostingOptions.LogInterval must be null or between 1 ms and 49.7 days; it was 00:00:00." },
        { "LogInterval=-1s", "MemTrackHostingOptions.LogInterval must be null or between 1 ms and 49.7 days; it was -00:00:01." },
        { "LogInterval=100d", "MemTrackHostingOptions.LogInterval must be null or between 1 ms and 49.7 days; it was 100.00:00:00." },
        { "Key=99", "MemTrackHostingOptions.Key must be a KeyType value; it was 99." },
        { "LogLevel=42", "MemTrackHostingOptions.LogLevel must be a LogLevel value; it was 42." },
        { "Tracer=null", "MemTrackHostingOptions.Tracer must not be null." },
    };

    [Fact]
    public void TheDefaultsAreValidAndDocumented()
    {
        var options = new MemTrackHostingOptions();
        Assert.True(new MemTrackHostingOptionsValidator().Validate(null, options).Succeeded);
        Assert.Equal(new MemTrackerOptions(), options.Tracer);
        Assert.Equal(10, options.Top);
        Assert.Equal(KeyType.LineNo, options.Key);
        Assert.Null(options.LogInterval);
        Assert.Equal(LogLevel.Information, options.LogLevel);
        Assert.True(options.StopTracerOnShutdown);
    }

    [Theory]
    [MemberData(nameof(BadOptions))]
    public void EachBadValueIsNamed(string change, string failure)
    {
        ValidateOptionsResult result = new MemTrackHostingOptionsValidator().Validate(null, Options(change));
        Assert.True(result.Failed);
        Assert.Equal([failure], result.Failures);
    }

    [Fact]
    public void AllFailuresAreReportedTogether()
    {
        var options = new MemTrackHostingOptions { Top = 0, LogInterval = TimeSpan.Zero };
        ValidateOptionsResult result = new MemTrackHostingOptionsValidator().Validate(null, options);
        Assert.Equal(2, result.Failures!.Count());
    }

    [Fact]
    public void TheShortestAndLongestIntervalsPass()
    {
        var validator = new MemTrackHostingOptionsValidator();
        Assert.True(validator.Validate(null, new MemTrackHostingOptions { LogInterval = TimeSpan.FromMilliseconds(1) }).Succeeded);
        Assert.True(validator.Validate(null, new MemTrackHostingOptions { LogInterval = MemTrackHostingOptionsValidator.MaxLogInterval }).Succeeded);
        using var timer = new PeriodicTimer(MemTrackHostingOptionsValidator.MaxLogInterval); // the timer accepts it
    }

    [Collection(TracerCollection.Name)]
    public sealed class AtHostStart
    {
        [Theory]
        [MemberData(nameof(BadOptions), MemberType = typeof(MemTrackHostingOptionsValidatorTests))]
        public async Task ABadValueFailsTheHostsStartBeforeTracing(string change, string failure)
        {
            MemTracker.Stop();
            using var host = new TestHost(options => Apply(options, change));
            var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.Host.StartAsync());
            Assert.Equal(typeof(MemTrackHostingOptions), ex.OptionsType);
            Assert.Contains(failure, ex.Message, StringComparison.Ordinal);
            Assert.False(MemTracker.IsTracing);
            Assert.Empty(host.MemTrackEntries);
        }
    }

    private static MemTrackHostingOptions Options(string change)
    {
        var options = new MemTrackHostingOptions();
        Apply(options, change);
        return options;
    }

    private static void Apply(MemTrackHostingOptions options, string change)
    {
        switch (change)
        {
            case "Top=0": options.Top = 0; break;
            case "Top=-5": options.Top = -5; break;
            case "LogInterval=0": options.LogInterval = TimeSpan.Zero; break;
            case "LogInterval=-1s": options.LogInterval = TimeSpan.FromSeconds(-1); break;
            case "LogInterval=100d": options.LogInterval = TimeSpan.FromDays(100); break;
            case "Key=99": options.Key = (KeyType)99; break;
            case "LogLevel=42": options.LogLevel = (LogLevel)42; break;
            case "Tracer=null": options.Tracer = null!; break;
            default: throw new ArgumentOutOfRangeException(nameof(change), change, "unknown change");
        }
    }
}
