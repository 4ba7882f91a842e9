namespace MemTrack.Tests;

public sealed class TracerHealthTests
{
    private static readonly DateTimeOffset Since = new(2026, 11, 21, 10, 5, 30, TimeSpan.FromHours(1));

    [Fact]
    public void ToStringGivesTheStateSinceWhenAndTheMessage()
    {
        Assert.Equal("Running since 2026-11-21 10:05:30 +01:00: Tracing runs.", new TracerHealth(TracerState.Running, "Tracing runs.", null, 0, 0, Since).ToString());
    }

    [Fact]
    public void ToStringAddsTheCountsWhenThereAreAny()
    {
        var health = new TracerHealth(TracerState.Degraded, "Incomplete.", new InvalidDataException("bad"), 12, 3, Since);

        Assert.Equal("Degraded since 2026-11-21 10:05:30 +01:00, 12 lost events, 3 decode errors: Incomplete.", health.ToString());
        Assert.Equal((TracerState.Degraded, "Incomplete.", 12L, 3L, Since), (health.State, health.Message, health.LostEvents, health.DecodeErrors, health.Since));
        Assert.IsType<InvalidDataException>(health.Error);
    }
}
