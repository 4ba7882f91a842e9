using System.Text;

// Knows nothing of MemTrack. Builds a catalog (kept alive until exit) and renders pages (garbage), then ends the way
// the first argument says: "return" (default), "exit" (Environment.Exit(7)) or "crash" (an unhandled exception).
var catalog = Catalog.Build(20_000);
int rendered = Catalog.RenderPages(2_000);
Console.WriteLine($"catalog={catalog.Count} rendered={rendered}");
switch (args.Length > 0 ? args[0] : "return")
{
    case "exit":
        Environment.Exit(7);
        break;
    case "crash":
        throw new InvalidOperationException("the app crashed on purpose");
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
}
