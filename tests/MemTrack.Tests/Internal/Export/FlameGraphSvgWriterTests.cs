using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using MemTrack.Internal.Export;
using static MemTrack.Tests.Internal.Export.ExportSamples;
using static MemTrack.Tests.TestSupport.SnapshotFactory;

namespace MemTrack.Tests.Internal.Export;

public class FlameGraphSvgWriterTests
{
    private const double FullWidth = FlameGraphSvgWriter.ImageWidth - 20;
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    // Generic types and methods carry < > and &, which XML must escape.
    private static readonly Snapshot Generic = Snapshot(
        Trace("System.Collections.Generic.List<Dictionary<string,int>>", Stats(3000, 3), Frame("/src/Cache.cs", 12, "App.Cache<T>.Fill&Go"), Main),
        Trace("Tom&Jerry", Stats(1000, 1), Frame("/src/Cache.cs", 20, "App.Cache<T>.<Load>b__0_0"), Main));

    [Fact]
    public void Svg_is_valid_xml_even_with_generic_names_and_ampersands()
    {
        XDocument svg = Parse(Generic);
        Assert.Equal(Svg + "svg", svg.Root!.Name);
        string[] titles = Titles(svg);
        Assert.Contains("System.Collections.Generic.List<Dictionary<string,int>> (3,000 bytes, 75.00%)", titles);
        Assert.Contains("Tom&Jerry (1,000 bytes, 25.00%)", titles);
        Assert.Contains("App.Cache<T>.Fill&Go (Cache.cs:12) (3,000 bytes, 75.00%)", titles);
        Assert.Contains("App.Cache<T>.<Load>b__0_0 (Cache.cs:20) (1,000 bytes, 25.00%)", titles);
        Assert.Contains("App.Program.Main (Program.cs:5) (4,000 bytes, 100.00%)", titles);
        Assert.Contains("all (4,000 bytes, 100.00%)", titles);
    }

    [Fact]
    public void Svg_is_self_contained_with_inline_script_and_style()
    {
        string text = ExportText(Generic, ExportFormat.FlameGraph);
        XDocument svg = XDocument.Parse(text);
        XElement script = Assert.Single(svg.Descendants(Svg + "script"));
        Assert.Contains("function zoom", script.Value, StringComparison.Ordinal);
        Assert.Contains("function search", script.Value, StringComparison.Ordinal);
        Assert.Single(svg.Descendants(Svg + "style"));
        Assert.Equal(["http://www.w3.org/2000/svg"], Regex.Matches(text, @"https?://[^\s""'<>]*").Select(m => m.Value).Distinct());
        Assert.DoesNotContain("href", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("@import", text, StringComparison.Ordinal);
        Assert.DoesNotContain("url(", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Each_box_is_a_group_with_a_tooltip_a_rect_and_a_label()
    {
        XDocument svg = Parse(Sample());
        XElement[] boxes = Boxes(svg);

        // all, Main, Create, Save, and the types Byte[] and Order (the strings have no live bytes).
        Assert.Equal(6, boxes.Length);
        Assert.All(boxes, g => Assert.Equal(["title", "rect", "text"], g.Elements().Select(e => e.Name.LocalName)));
        Assert.Contains("System.Byte[] (600 bytes, 66.67%)", Titles(svg));
        Assert.Contains("App.Order (300 bytes, 33.33%)", Titles(svg));
        Assert.DoesNotContain(Titles(svg), t => t.StartsWith("System.String", StringComparison.Ordinal));
    }

    [Fact]
    public void Widths_are_proportional_to_bytes_and_children_sit_inside_and_above_their_parent()
    {
        XDocument svg = Parse(Sample());
        (double x, double y, double width) all = Rect(svg, "all");
        (double x, double y, double width) create = Rect(svg, "App.Orders.Create (Orders.cs:10)");
        (double x, double y, double width) save = Rect(svg, "App.Orders.Save (Orders.cs:40)");
        (double x, double y, double width) bytes = Rect(svg, "System.Byte[]");
        Assert.Equal(FullWidth, all.width, 0.01);
        Assert.Equal(FullWidth * 600 / 900, create.width, 0.01);
        Assert.Equal(FullWidth * 300 / 900, save.width, 0.01);
        Assert.Equal(create.width, bytes.width, 0.01);
        Assert.Equal(create.x, bytes.x, 0.01);
        Assert.Equal(create.x + create.width, save.x, 0.01);
        Assert.True(bytes.y < create.y && create.y < all.y, "the root is at the bottom");
    }

    [Fact]
    public void Title_shows_the_kind_and_the_totals()
    {
        XDocument svg = Parse(Sample(), MemoryKind.Allocated);
        string title = Text(svg, "title");
        string subtitle = Text(svg, "subtitle");
        Assert.StartsWith("Allocated memory by allocation stack", title, StringComparison.Ordinal);
        Assert.Contains("(1,500 bytes) in 3 stacks", subtitle, StringComparison.Ordinal);
        Assert.StartsWith("Live memory", Text(Parse(Sample()), "title"), StringComparison.Ordinal);
    }

    [Fact]
    public void Boxes_narrower_than_a_thousandth_of_the_total_are_left_out()
    {
        Snapshot snapshot = Snapshot(
            Trace("Big", Stats(1_000_000, 1), Frame("/src/A.cs", 1, "App.Big")),
            Trace("Wide", Stats(2_000, 1), Frame("/src/A.cs", 2, "App.Wide")),
            Trace("Narrow", Stats(500, 1), Frame("/src/A.cs", 3, "App.Narrow")));
        XDocument svg = Parse(snapshot);
        string[] titles = Titles(svg);
        Assert.Contains(titles, t => t.StartsWith("Wide", StringComparison.Ordinal));
        Assert.DoesNotContain(titles, t => t.Contains("Narrow", StringComparison.Ordinal));
        Assert.EndsWith("not drawn: 1 left out.", Text(svg, "subtitle"), StringComparison.Ordinal);

        // The boxes after a left-out one keep their place.
        Assert.Equal(FullWidth * 1_000_000 / 1_002_500, Rect(svg, "App.Big (A.cs:1)").Width, 0.01);
    }

    [Fact]
    public void Size_is_bounded_by_the_drawn_share_whatever_the_number_of_stacks()
    {
        // 5,000 stacks of one byte each against one big stack: none of the small ones is wide enough to draw.
        Trace[] many = [.. Enumerable.Range(0, 5_000).Select(i => Trace(1, 1, Frame("/src/Many.cs", i + 1, "App.Many")))];
        Snapshot snapshot = Snapshot([Trace(10_000_000, 1, Frame("/src/Big.cs", 1, "App.Big")), .. many]);
        XDocument svg = Parse(snapshot);
        Assert.Equal(3, Boxes(svg).Length);
        Assert.EndsWith("not drawn: 5,000 left out.", Text(svg, "subtitle"), StringComparison.Ordinal);
    }

    [Fact]
    public void Labels_are_cut_to_fit_their_box()
    {
        Assert.Equal(string.Empty, FlameGraphSvgWriter.Label("System.String", 20));
        Assert.Equal("System.String", FlameGraphSvgWriter.Label("System.String", 200));
        string cut = FlameGraphSvgWriter.Label("System.Collections.Generic.Dictionary", 100);
        Assert.EndsWith("..", cut, StringComparison.Ordinal);
        Assert.StartsWith(cut[..^2], "System.Collections.Generic.Dictionary", StringComparison.Ordinal);
    }

    [Fact]
    public void Characters_xml_cannot_hold_are_replaced()
    {
        Assert.Equal("a?b?c", FlameGraphSvgWriter.XmlSafe("a\u0001b\uD800c"));
        Assert.Equal("keep \U0001F600 <&>", FlameGraphSvgWriter.XmlSafe("keep \U0001F600 <&>"));
        XDocument svg = Parse(Snapshot(Trace("Bad\u0001Type\uDC00", Stats(64, 1), Main)));
        Assert.Contains("Bad?Type? (64 bytes, 100.00%)", Titles(svg));
    }

    [Fact]
    public void An_empty_snapshot_draws_no_box()
    {
        XDocument svg = Parse(Snapshot());
        Assert.Empty(Boxes(svg));
        Assert.Equal("No memory of this kind in the snapshot.", Text(svg, "subtitle"));
    }

    [Fact]
    public void Output_is_deterministic()
    {
        Assert.Equal(ExportText(Sample(), ExportFormat.FlameGraph), ExportText(Snapshot(Orders, Strings, Bytes), ExportFormat.FlameGraph));
    }

    private static XDocument Parse(Snapshot snapshot, MemoryKind kind = MemoryKind.Live) => XDocument.Parse(ExportText(snapshot, ExportFormat.FlameGraph, kind));

    private static XElement[] Boxes(XDocument svg) => [.. svg.Descendants(Svg + "g").Where(g => (string?)g.Attribute("class") == "f")];

    private static string[] Titles(XDocument svg) => [.. Boxes(svg).Select(g => g.Element(Svg + "title")!.Value)];

    private static string Text(XDocument svg, string id) => svg.Descendants(Svg + "text").Single(t => (string?)t.Attribute("id") == id).Value;

    private static (double X, double Y, double Width) Rect(XDocument svg, string name)
    {
        XElement rect = Boxes(svg).Single(g => g.Element(Svg + "title")!.Value.StartsWith(name + " (", StringComparison.Ordinal)).Element(Svg + "rect")!;
        return (Number(rect, "x"), Number(rect, "y"), Number(rect, "width"));
    }

    private static double Number(XElement element, string attribute) => double.Parse((string)element.Attribute(attribute)!, CultureInfo.InvariantCulture);
}
