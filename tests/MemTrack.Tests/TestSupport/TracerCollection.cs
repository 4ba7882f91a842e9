namespace MemTrack.Tests.TestSupport;

/// <summary>Tests that start the process-wide tracer run one at a time, never in parallel with each other.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TracerCollection
{
    public const string Name = "Tracer";
}
