using System.Reflection;
using System.Runtime.CompilerServices;
using MemTrack.Internal;
using MemTrack.Internal.Decoding;
using MemTrack.Tests.TestSupport;

namespace MemTrack.Tests.Internal.Decoding;

/// <summary>
/// The kickoff method of an async method (the stub that allocates the state machine in Debug builds and starts it)
/// has no sequence points; its frames take the file and first line of the state machine's MoveNext.
/// </summary>
[Collection(TracerCollection.Name)]
public sealed class StateMachineKickoffTests
{
    public static readonly int OpeningBraceLine = Workloads.Line() + 4;

    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static async Task CompleteSynchronouslyAsync(int value)
    {
        if (value < 0)
        {
            await Task.Yield();
        }
    }

    private static MethodInfo Kickoff => typeof(StateMachineKickoffTests).GetMethod(nameof(CompleteSynchronouslyAsync), BindingFlags.Static | BindingFlags.NonPublic)!;

    [Fact]
    public void A_kickoff_method_gets_its_MoveNexts_file_and_first_line()
    {
        using PdbLineReader reader = PdbLineReader.Open(typeof(StateMachineKickoffTests).Assembly.Location);

        foreach (int ilOffset in new[] { 0, 10, -1 })
        {
            SourceLocation location = Assert.NotNull(reader.Find(Kickoff.MetadataToken, ilOffset));
            Assert.EndsWith(nameof(StateMachineKickoffTests) + ".cs", location.FileName, StringComparison.Ordinal);
            Assert.Equal(OpeningBraceLine, location.LineNumber);
        }
    }

    [Fact]
    public void A_method_without_sequence_points_that_starts_no_state_machine_still_has_no_line()
    {
        Type stateMachine = Kickoff.GetCustomAttribute<AsyncStateMachineAttribute>()!.StateMachineType;
        MethodInfo setStateMachine = stateMachine.GetMethods(BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public)
            .Single(m => m.Name.EndsWith("SetStateMachine", StringComparison.Ordinal));
        using PdbLineReader reader = PdbLineReader.Open(typeof(StateMachineKickoffTests).Assembly.Location);

        Assert.Null(reader.Find(setStateMachine.MetadataToken, 0));
    }

    [Fact]
    public void State_machines_allocated_by_a_synchronously_completing_async_method_are_charged_to_its_file()
    {
        MemTracker.Stop();
        using var tracer = new Tracer(new MemTrackerOptions { Depth = 2, TrackLiveObjects = false });
        for (int i = 0; i < 200_000; i++)
        {
            Assert.True(CompleteSynchronouslyAsync(i).IsCompletedSuccessfully);
        }

        Snapshot snapshot = tracer.TakeSnapshot(collect: false);
        var kickoff = snapshot.Traces
            .Where(t => t.Traceback.Count > 0 && t.Traceback[0].Method.EndsWith(nameof(CompleteSynchronouslyAsync), StringComparison.Ordinal))
            .ToList();

        Assert.NotEmpty(kickoff);
        Assert.All(kickoff, t =>
        {
            Assert.EndsWith(nameof(StateMachineKickoffTests) + ".cs", t.Traceback[0].FileName, StringComparison.Ordinal);
            Assert.Equal(OpeningBraceLine, t.Traceback[0].LineNumber);
        });

        // A filter on the file keeps them (it dropped them while the frame had no file).
        Snapshot filtered = snapshot.FilterTraces([new Filter(true, "*" + nameof(StateMachineKickoffTests) + ".cs")]);
        Assert.All(kickoff, t => Assert.Contains(t, filtered.Traces));
    }
}
