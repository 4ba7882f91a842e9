// Heap checks and the tracer look at the whole process: run memory tests one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
