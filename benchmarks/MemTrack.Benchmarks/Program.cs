using BenchmarkDotNet.Running;
using MemTrack.Benchmarks;

if (args.Length > 0 && args[0] == TracerMemoryMode.ParentSwitch)
{
    return TracerMemoryMode.RunParent(args);
}

if (args.Length > 0 && args[0] == TracerMemoryMode.ChildSwitch)
{
    return TracerMemoryMode.RunChild(args);
}

if (args.Length > 0 && args[0] is CompareMode.Switch or CompareMode.ChildSwitch)
{
    return args[0] == CompareMode.Switch ? CompareMode.RunParent(args) : CompareMode.RunChild(args);
}

if (args.Length > 0 && args[0] == SnapshotLatencyMode.Switch)
{
    return SnapshotLatencyMode.Run();
}

if (args.Length > 0 && args[0] == LiveOverheadMode.Switch)
{
    return LiveOverheadMode.Run(args);
}

if (args.Length > 0 && args[0] == HeapCaptureMode.Switch)
{
    return HeapCaptureMode.Run(args);
}

if (HeapCaptureMode.IsChild(args))
{
    return HeapCaptureMode.RunChild(args);
}

if (args.Length > 0 && args[0] == AccuracyMode.Switch) { return AccuracyMode.Run(args); }
if (args.Length > 0 && args[0] == SoakMode.Switch) { return SoakMode.Run(args); }

BenchmarkSwitcher.FromAssembly(typeof(SeedWorkloadBenchmarks).Assembly).Run(args);
return 0;
