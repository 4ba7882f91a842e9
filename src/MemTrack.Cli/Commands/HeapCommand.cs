using System.CommandLine;
using System.Globalization;
using MemTrack.Cli.Internal;
using MemTrack.Internal.Formatting;

namespace MemTrack.Cli.Commands;

/// <summary>
/// <c>memtrack heap &lt;pid&gt;</c>: captures the heap of a running .NET process and prints its types by size with
/// retained sizes (objgraph's show_most_common_types, dotnet-gcdump report), with progress on standard error.
/// </summary>
internal static class HeapCommand
{
    public static Command Create(CliConsole console)
    {
        Argument<int> processId = new("pid")
        {
            Description = "Id of a running .NET process of the same user, with diagnostics enabled (the default).",
            Validators = { result => SharedOptions.RequireRange(result, 1, int.MaxValue, "pid must be a positive process id.") },
        };
        Option<int> top = SharedOptions.Top();
        Option<int> timeout = new("--timeout")
        {
            Description = "Longest wait for the dump, in seconds (1 to 3600).",
            HelpName = "seconds",
            DefaultValueFactory = _ => (int)new HeapCaptureOptions().Timeout.TotalSeconds,
            Validators = { result => SharedOptions.RequireRange(result, 1, 3600, "--timeout must be from 1 to 3600.") },
        };
        Option<int> buffer = new("--buffer-mb")
        {
            Description = "Session buffer in MB, allocated in the target as the dump fills it; about 60 MB per million objects "
                + $"({HeapCaptureOptions.MinBufferSizeMB} to {HeapCaptureOptions.MaxBufferSizeMB}).",
            HelpName = "MB",
            DefaultValueFactory = _ => new HeapCaptureOptions().BufferSizeMB,
            Validators = { result => SharedOptions.RequireRange(result, HeapCaptureOptions.MinBufferSizeMB, HeapCaptureOptions.MaxBufferSizeMB, $"--buffer-mb must be from {HeapCaptureOptions.MinBufferSizeMB} to {HeapCaptureOptions.MaxBufferSizeMB}.") },
        };
        var command = new Command("heap", "Capture the heap of a running .NET process (one full blocking GC in it) and print its types by size, with retained sizes (objgraph's show_most_common_types, dotnet-gcdump report).")
        {
            processId, top, timeout, buffer,
        };
        command.SetAction(result => CommandRunner.Run(console, () =>
        {
            var options = new HeapCaptureOptions { Timeout = TimeSpan.FromSeconds(result.GetValue(timeout)), BufferSizeMB = result.GetValue(buffer) };
            HeapSnapshot heap = Capture(console, result.GetValue(processId), options);
            console.Error.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"Captured {heap.ObjectCount} objects ({heap.TotalSize / (1024.0 * 1024.0):0.0} MiB) in {heap.CaptureDuration.TotalSeconds:0.0} s; computing retained sizes..."));
            Print(console.Output, result.GetValue(processId), heap, heap.TypeStatistics(), result.GetValue(top));
        }));
        return command;
    }

    private static HeapSnapshot Capture(CliConsole console, int processId, HeapCaptureOptions options)
    {
        console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Capturing the heap of process {processId}..."));
        try
        {
            return HeapSnapshot.Capture(processId, options);
        }
        catch (DiagnosticsUnavailableException ex)
        {
            throw new CommandFailedException(string.Create(
                CultureInfo.InvariantCulture,
                $"no .NET process with diagnostics at pid {processId}: {FirstSentence(ex.InnerException?.Message ?? ex.Message)} Is it a running .NET process of this user, with diagnostics enabled (DOTNET_EnableDiagnostics unset or 1) and the same TMPDIR?"));
        }
        catch (MemTrackException ex)
        {
            // Lost events or a timeout: the message names the option (BufferSizeMB, Timeout); say which flag that is.
            throw new CommandFailedException(ex.Message
                .Replace($"{nameof(HeapCaptureOptions)}.{nameof(HeapCaptureOptions.BufferSizeMB)}", "--buffer-mb", StringComparison.Ordinal)
                .Replace($"{nameof(HeapCaptureOptions)}.{nameof(HeapCaptureOptions.Timeout)}", "--timeout", StringComparison.Ordinal));
        }
    }

    private static void Print(TextWriter output, int processId, HeapSnapshot heap, IReadOnlyList<TypeStatistic> types, int top)
    {
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"Heap of process {processId} at {heap.CapturedAt.ToLocalTime():yyyy-MM-dd HH:mm:ss zzz}: {heap.ObjectCount} objects, {SizeFormatter.Format(heap.TotalSize)}, captured in {heap.CaptureDuration.TotalSeconds:0.0} s"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Top {Math.Min(top, types.Count)} of {types.Count} types by size (retained: freed if all objects of the type died):"));
        for (int i = 0; i < types.Count && i < top; i++)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"#{i + 1}: {types[i]}"));
        }

        if (types.Count > top)
        {
            IEnumerable<TypeStatistic> rest = types.Skip(top);
            output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{types.Count - top} other types: count={rest.Sum(t => t.Count)}, size={SizeFormatter.Format(rest.Sum(t => t.Size))}"));
        }
    }

    /// <summary>The client's first sentence ("Process 123 is not running."); its further advice is long and container-specific.</summary>
    private static string FirstSentence(string message)
    {
        int end = message.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? message : message[..(end + 1)];
    }
}
