namespace MemTrack.Internal.Liveness;

/// <summary>
/// Decides which sampled objects died, from the runtime's GC events (keyword GCHeapSurvivalAndMovement):
/// GCStart (number, condemned generation, background or not), the GCGenerationRange events right after it (which
/// address ranges belong to which generation, one per region), the surviving and moved ranges of every plug of the
/// condemned generations, and GCEnd. An object is condemned when, at its GC's start, it lies in a generation that GC
/// collects (every object, for a blocking gen2 GC); it lives on when a surviving or moved range covers it (moved
/// objects keep their site at their new address); it died when the GC ends and it is still condemned.
/// <para>
/// A background GC is tracked beside the foreground GCs that run during it (the runtime numbers them after it and
/// ends them before it): its condemned objects are those in gen2, LOH and POH at its start; it never moves objects,
/// and it reports its survivors after its sweep, before its GCEnd. A GC announced as background that reports moved
/// ranges before any foreground GC started inside it is a blocking compacting gen2 GC (seen under server GC: the
/// runtime announced it in GCStart and then ran it blocking): from its first moved range on it is tracked as one, and
/// it condemns every object it has not reported yet, unless events were lost since its GCStart (the moved range may
/// then belong to a foreground GC whose GCStart was lost: it is ignored, as no GC it belongs to was seen). A GC whose
/// generation ranges were not seen
/// condemns nothing: without them MemTrack cannot tell which objects it collected, so it keeps them alive rather
/// than guess. Used only on the reader thread.
/// </para>
/// </summary>
/// <param name="objects">The tracked objects.</param>
/// <param name="lostEvents">The session's running count of lost events (null: none are ever lost).</param>
internal sealed class GcLivenessTracker(TrackedObjectTable objects, Func<long>? lostEvents = null)
{
    private readonly HashSet<ulong> _rangeStarts = [];
    private CollectionInProgress? _blocking;
    private CollectionInProgress? _background;
    private CollectionInProgress? _collectingRanges;

    /// <summary>GCs whose end was seen.</summary>
    public long CompletedGcs { get; private set; }

    /// <summary>GCs abandoned because their GCEnd never came (lost events): their objects were kept alive.</summary>
    public long IncompleteGcs { get; private set; }

    public void OnGcStart(long number, int condemnedGeneration, bool background)
    {
        FinishRanges();
        ref CollectionInProgress? slot = ref background ? ref _background : ref _blocking;
        if (slot is { } stale)
        {
            // Its GCEnd was lost: keep its objects (moves are facts, so apply them unless a blocking GC still runs).
            objects.EndGc(TrackedObjectFlags.None, applyMoves: !stale.Background || _blocking is null);
            objects.ClearFlag(stale.Flag);
            IncompleteGcs++;
        }

        if (!background && _background is { } running)
        {
            running.ForegroundGcs++;
        }

        objects.Merge();
        slot = new CollectionInProgress(number, condemnedGeneration, background, background ? LostEvents() : 0);
        _collectingRanges = slot;
        _rangeStarts.Clear();
    }

    public void OnGenerationRange(int generation, ulong start, ulong usedLength)
    {
        if (_collectingRanges is not { } gc)
        {
            return;
        }

        // A range seen twice belongs to the group reported at the GC's end.
        if (!_rangeStarts.Add(start))
        {
            FinishRanges();
            return;
        }

        gc.Ranges.Add(new GenerationRange(generation, start, start + usedLength));
    }

    public void OnSurvivingRange(ulong start, ulong length)
    {
        FinishRanges();
        if (_blocking is not null || _background is not null)
        {
            objects.Survive(start, length);
        }
    }

    public void OnMovedRange(ulong oldStart, ulong newStart, ulong length)
    {
        FinishRanges();
        if (_blocking is null)
        {
            // Only a blocking GC moves objects: without one in progress, either the GC announced as background is
            // one, or the range belongs to no GC seen (its GCStart was lost) and changes nothing.
            if (_background is not { ForegroundGcs: 0 } announced || LostEvents() > announced.LostAtStart)
            {
                return;
            }

            TrackAsBlocking(announced);
        }

        objects.Move(oldStart, newStart, length);
    }

    /// <summary>Handles GCEnd; returns the number of tracked objects found dead.</summary>
    public int OnGcEnd(long number)
    {
        FinishRanges();
        int dead = 0;
        if (_blocking?.Number == number)
        {
            dead = objects.EndGc(TrackedObjectFlags.Condemned, applyMoves: true);
            _blocking = null;
            CompletedGcs++;
        }
        else if (_background?.Number == number)
        {
            // It moved nothing; a foreground GC still in progress applies its own moves when it ends.
            dead = objects.EndGc(TrackedObjectFlags.BackgroundCondemned, applyMoves: _blocking is null);
            _background = null;
            CompletedGcs++;
        }

        return dead;
    }

    private long LostEvents() => lostEvents?.Invoke() ?? 0;

    /// <summary>
    /// Tracks a GC announced as background as the blocking gen2 GC it is (it moves objects): it condemns every object
    /// it has not reported, as a full blocking GC does (unless its generation ranges were not seen: then nothing).
    /// </summary>
    private void TrackAsBlocking(CollectionInProgress announced)
    {
        _background = null;
        _blocking = new CollectionInProgress(announced.Number, announced.CondemnedGeneration, background: false);
        if (announced.Ranges.Count > 0)
        {
            objects.CondemnUnreported(TrackedObjectFlags.BackgroundCondemned, TrackedObjectFlags.Condemned);
        }
    }

    /// <summary>Flags the condemned objects of the GC whose ranges were being collected, once its range group ended.</summary>
    private void FinishRanges()
    {
        if (_collectingRanges is not { } gc)
        {
            return;
        }

        _collectingRanges = null;
        if (gc.Ranges.Count == 0)
        {
            return;
        }

        if (!gc.Background && gc.CondemnedGeneration >= 2)
        {
            // A full blocking GC reports every survivor of every generation: what it does not report is gone, even
            // an object that lies outside every range (its region was freed unseen).
            objects.MarkAll(gc.Flag);
        }
        else
        {
            foreach (GenerationRange range in gc.Ranges)
            {
                if (gc.Condemns(range.Generation))
                {
                    objects.Mark(range.Start, range.End, gc.Flag);
                }
            }
        }
    }
}
