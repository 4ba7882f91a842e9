using System.Text;

// Knows nothing of MemTrack. Builds a catalog (kept alive until exit) and renders pages (garbage), then ends the way the
// first argument says: "return" (default), "exit" (Environment.Exit(7)), "crash" (an unhandled exception), each printing
// its exit call's timestamp first, or "wait" (prints "ready", waits for a line on standard input, at most 60 s, returns).
var catalog = Catalog.Build(20_000);
int rendered = Catalog.RenderPages(2_000);
Console.WriteLine($"catalog={catalog.Count} rendered={rendered}");
switch (Catalog.MarkExit(args.Length > 0 ? args[0] : "return"))
{
    case "exit":
        Environment.Exit(7);
        break;
    case "crash":
        throw new InvalidOperationException("the app crashed on purpose");
    case "wait":
        Console.WriteLine("ready");
        _ = Task.Run(Console.In.ReadLine).Wait(TimeSpan.FromSeconds(60));
        break;
}

GC.KeepAlive(catalog);
return 0;

internal static class Catalog
{
    public static List<byte[]> Build(int items)
    {
        var list = new List<byte[]>();
        for (int i = 0; i < items; i++)
        {
            list.Add(new byte[512]);
        }

        return list;
    }

    public static int RenderPages(int pages)
    {
        int length = 0;
        for (int i = 0; i < pages; i++)
        {
            var page = new StringBuilder();
            for (int j = 0; j < 100; j++)
            {
                page.Append("<li>item</li>");
            }

            length += page.ToString().Length;
        }

        return length;
    }

    /// <summary>Prints the timestamp of the exit call (MemTrack.Tests.Shared.ExitMarks) unless the app is to wait, for tests that time the exit.</summary>
    public static string MarkExit(string ending)
    {
        if (ending != "wait")
        {
            MemTrack.Tests.Shared.ExitMarks.Print(MemTrack.Tests.Shared.ExitMarks.ExitCall);
        }

        return ending;
    }
}
