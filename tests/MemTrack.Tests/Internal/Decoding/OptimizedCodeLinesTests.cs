using MemTrack.Tests.TestSupport;

namespace MemTrack.Tests.Internal.Decoding;

/// <summary>
/// The line each allocation is charged to, traced for real in code compiled with optimizations (tests/MemTrack.LineShapes):
/// at tier 1, at tier 0 and after on-stack replacement, and in the same code built without optimizations. A line
/// passes at 90% of its type's bytes (each shape allocates a type of its own on each line, so the share is exact up
/// to which samples landed where, not a sampled estimate of bytes).
/// </summary>
[Trait("Category", "Slow")]
public sealed class OptimizedCodeLinesTests
{
    private const double OnTheLine = 0.9;

    [Fact]
    public void At_tier_1_each_allocation_is_charged_to_its_own_line_or_inlined_to_its_callers()
    {
        IReadOnlyList<LineResult> lines = LineShapes.Run(optimized: true);
        AssertLines(lines, inlinedAllowed: true);

        // Without rich debug info the runtime reports no inlined frame.
        Assert.All(lines, line => Assert.Equal(0, line.Inlined));
    }

    [Fact]
    public void At_tier_0_and_after_on_stack_replacement_each_allocation_is_charged_to_its_own_line() =>
        AssertLines(LineShapes.Run(optimized: true, cold: true), inlinedAllowed: true);

    [Fact]
    public void Without_optimizations_every_allocation_is_charged_to_its_own_line() =>
        AssertLines(LineShapes.Run(optimized: false), inlinedAllowed: false);

    [Fact]
    public void With_rich_debug_info_at_tier_1_inlined_methods_get_their_own_frames_and_lines() =>
        AssertInlinedFrames(LineShapes.Run(optimized: true, richDebugInfo: true));

    [Fact]
    public void With_rich_debug_info_at_tier_0_and_after_on_stack_replacement_inlined_methods_get_their_own_frames() =>
        AssertInlinedFrames(LineShapes.Run(optimized: true, cold: true, richDebugInfo: true));

    /// <summary>
    /// Every line gets its bytes on its own line, and a method the JIT inlined into a marked call (a constructor into
    /// <c>list.Add(new Holder())</c>, a lambda called through a delegate) is a frame marked inlined with the call's
    /// line after it. Both shapes were inlined at tier 1 in every run on .NET 10; at tier 0 nothing is inlined, and
    /// the inlinee is then a frame of its own, so the first frame is on its line either way.
    /// </summary>
    private static void AssertInlinedFrames(IReadOnlyList<LineResult> lines)
    {
        AssertLines(lines, inlinedAllowed: false);
        LineResult[] inlinable = [.. lines.Where(line => line.CallerLine > 0)];
        Assert.Equal(2, inlinable.Length);
        Assert.All(inlinable, line => Assert.True(line.CallerNext >= OnTheLine, line.ToString()));
    }

    /// <summary>
    /// Every line gets at least <see cref="OnTheLine"/> of its bytes; where the JIT may inline the allocating method
    /// (<paramref name="inlinedAllowed"/>, without rich debug info), the inlinee's line and the call's line together.
    /// </summary>
    private static void AssertLines(IReadOnlyList<LineResult> lines, bool inlinedAllowed)
    {
        Assert.Contains(lines, line => line.Shape == "LoopShape");
        Assert.Contains(lines, line => line.Shape == "OsrShape");
        Assert.All(lines, line =>
        {
            Assert.True(line.Samples >= 20, $"too few samples to judge: {line}");
            double share = inlinedAllowed && line.CallerLine > 0 ? line.Share + line.CallerShare : line.Share;
            Assert.True(share >= OnTheLine, line.ToString());
        });
    }
}
