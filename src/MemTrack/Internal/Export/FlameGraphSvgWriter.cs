using System.Globalization;
using System.Text;
using System.Xml;
using MemTrack.Internal.Formatting;

namespace MemTrack.Internal.Export;

/// <summary>
/// Writes an interactive flame graph as one self-contained SVG file (its style and script inline, nothing fetched):
/// the root <c>all</c> at the bottom, callers below callees, the allocated types on top, each box as wide as its
/// bytes. A box is a <c>&lt;g class="f"&gt;</c> with a <c>&lt;title&gt;</c> tooltip <c>name (bytes, pct%)</c>, a
/// <c>&lt;rect&gt;</c> and a <c>&lt;text&gt;</c> label. Click a box to zoom into it, "Reset Zoom" (or Escape) to go
/// back; "Search" or Ctrl+F highlights the boxes whose name matches a regular expression and shows the share they
/// cover. Boxes narrower than <see cref="MinWidthFraction"/> of the total are left out (with all above them), which
/// bounds the file whatever the snapshot holds.
/// </summary>
internal static class FlameGraphSvgWriter
{
    /// <summary>Width of the image in pixels.</summary>
    public const double ImageWidth = 1200;

    /// <summary>Boxes below this share of the total (0.1%) are not drawn.</summary>
    public const double MinWidthFraction = 0.001;

    private const double SidePad = 10;
    private const double TopPad = 60;
    private const double BottomPad = 34;
    private const double FrameHeight = 16;
    private const double FontSize = 12;

    // Average glyph width of the font, relative to its size: how many characters fit in a box.
    private const double FontWidth = 0.59;
    private const string SvgNamespace = "http://www.w3.org/2000/svg";

    private const string Style = """
        text { font-family: Verdana, "DejaVu Sans", sans-serif; font-size: 12px; fill: #000; }
        #title { font-size: 17px; text-anchor: middle; }
        #subtitle { fill: #555; text-anchor: middle; }
        .button { cursor: pointer; fill: #0645ad; }
        .button:hover { text-decoration: underline; }
        g.f { cursor: pointer; }
        g.f:hover rect { stroke: #000; stroke-width: 0.5; }
        g.f text { pointer-events: none; }
        .hidden { display: none; }
        .parent { opacity: 0.5; }
        """;

    private static readonly string Script = $$"""
        (function () {
          'use strict';
          var left = {{Number(SidePad)}}, full = {{Number(ImageWidth - (2 * SidePad))}}, charWidth = {{Number(FontSize * FontWidth)}};
          var details = document.getElementById('details'), matched = document.getElementById('matched');
          var unzoomButton = document.getElementById('unzoom'), searchButton = document.getElementById('search');
          var frames = [], searching = false;

          function label(name, width) {
            var fit = Math.floor((width - 6) / charWidth);
            if (fit < 3) { return ''; }
            return name.length <= fit ? name : name.substring(0, fit - 2) + '..';
          }

          function place(f, x, width) {
            f.rect.setAttribute('x', x.toFixed(2));
            f.rect.setAttribute('width', width.toFixed(2));
            f.text.setAttribute('x', (x + 3).toFixed(2));
            f.text.textContent = label(f.name, width);
          }

          // The root is at the bottom: a box with a larger y is an ancestor when it spans the zoomed box.
          function zoom(z) {
            var eps = 0.0001;
            frames.forEach(function (f) {
              f.g.classList.remove('hidden', 'parent');
              if (f.y > z.y && f.x <= z.x + eps && f.x + f.w >= z.x + z.w - eps) {
                f.g.classList.add('parent');
                place(f, left, full);
              } else if (f.y <= z.y && f.x >= z.x - eps && f.x + f.w <= z.x + z.w + eps) {
                place(f, left + ((f.x - z.x) * full / z.w), f.w * full / z.w);
              } else {
                f.g.classList.add('hidden');
              }
            });
            unzoomButton.classList.remove('hidden');
          }

          function unzoom() {
            frames.forEach(function (f) {
              f.g.classList.remove('hidden', 'parent');
              place(f, f.x, f.w);
            });
            unzoomButton.classList.add('hidden');
          }

          function clearSearch() {
            frames.forEach(function (f) { f.rect.setAttribute('fill', f.fill); });
            matched.textContent = '';
            searchButton.textContent = 'Search';
            searching = false;
          }

          function search() {
            var term = window.prompt('Search frames (regular expression):', '');
            if (!term) { return; }
            var re;
            try { re = new RegExp(term); } catch (e) { window.alert('Not a regular expression: ' + e.message); return; }
            var spans = [];
            frames.forEach(function (f) {
              if (re.test(f.name)) {
                f.rect.setAttribute('fill', 'rgb(230,0,230)');
                spans.push([f.x, f.x + f.w]);
              }
            });
            // Nested matches cover the same width once.
            spans.sort(function (a, b) { return a[0] - b[0]; });
            var covered = 0, end = -Infinity;
            spans.forEach(function (s) {
              if (s[0] >= end) { covered += s[1] - s[0]; end = s[1]; } else if (s[1] > end) { covered += s[1] - end; end = s[1]; }
            });
            matched.textContent = 'Matched: ' + (100 * covered / full).toFixed(1) + '%';
            searchButton.textContent = 'Reset Search';
            searching = true;
          }

          Array.prototype.forEach.call(document.querySelectorAll('g.f'), function (g) {
            var rect = g.getElementsByTagName('rect')[0], title = g.getElementsByTagName('title')[0].textContent;
            var f = {
              g: g, rect: rect, text: g.getElementsByTagName('text')[0], title: title,
              name: title.substring(0, title.lastIndexOf(' (')), fill: rect.getAttribute('fill'),
              x: parseFloat(rect.getAttribute('x')), y: parseFloat(rect.getAttribute('y')), w: parseFloat(rect.getAttribute('width'))
            };
            frames.push(f);
            g.addEventListener('click', function () { zoom(f); });
            g.addEventListener('mouseover', function () { details.textContent = title; });
            g.addEventListener('mouseout', function () { details.textContent = ' '; });
          });
          unzoomButton.addEventListener('click', unzoom);
          searchButton.addEventListener('click', function () { if (searching) { clearSearch(); } else { search(); } });
          window.addEventListener('keydown', function (e) {
            if ((e.ctrlKey || e.metaKey) && (e.key === 'f' || e.key === 'F')) {
              e.preventDefault();
              clearSearch();
              search();
            } else if (e.key === 'Escape') {
              clearSearch();
              unzoom();
            }
          });
        })();
        """;

    public static void Write(Stream destination, Snapshot snapshot, IReadOnlyList<FoldedStack> stacks, MemoryKind kind)
    {
        FlameGraphNode root = FlameGraphNode.Build(stacks, kind);
        var boxes = new List<Box>();
        int leftOut = root.Value > 0 ? Layout(root, 0, SidePad, root.Value, boxes) : 0;
        int maxDepth = boxes.Count == 0 ? 0 : boxes.Max(b => b.Depth);
        double height = TopPad + ((maxDepth + 1) * FrameHeight) + BottomPad;

        var settings = new XmlWriterSettings
        {
            Encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
            Indent = true,
            NewLineChars = "\n",
            CloseOutput = false,
        };
        using XmlWriter xml = XmlWriter.Create(destination, settings);
        xml.WriteStartDocument();
        xml.WriteStartElement("svg", SvgNamespace);
        xml.WriteAttributeString("version", "1.1");
        xml.WriteAttributeString("width", Number(ImageWidth));
        xml.WriteAttributeString("height", Number(height));
        xml.WriteAttributeString("viewBox", $"0 0 {Number(ImageWidth)} {Number(height)}");

        xml.WriteStartElement("style", SvgNamespace);
        xml.WriteCData(Style);
        xml.WriteEndElement();

        Rect(xml, 0, 0, ImageWidth, height, "#f8f8f8");
        Text(xml, "title", null, ImageWidth / 2, 24, SnapshotExporter.Title(snapshot, kind));
        Text(xml, "subtitle", null, ImageWidth / 2, 44, Subtitle(root.Value, stacks.Count, leftOut));
        Text(xml, "unzoom", "button hidden", SidePad, 24, "Reset Zoom");
        Text(xml, "search", "button", ImageWidth - SidePad, 24, "Search", anchorEnd: true);
        Text(xml, "details", null, SidePad, height - 12, " ");
        Text(xml, "matched", null, ImageWidth - SidePad, height - 12, string.Empty, anchorEnd: true);

        xml.WriteStartElement("g", SvgNamespace);
        xml.WriteAttributeString("id", "frames");
        foreach (Box box in boxes)
        {
            WriteBox(xml, box, root.Value, height - BottomPad - ((box.Depth + 1) * FrameHeight));
        }

        xml.WriteEndElement();

        // Last, so that every element it looks up exists when it runs.
        xml.WriteStartElement("script", SvgNamespace);
        xml.WriteAttributeString("type", "text/ecmascript");
        xml.WriteCData(Script);
        xml.WriteEndElement();

        xml.WriteEndElement();
        xml.WriteEndDocument();
    }

    /// <summary>The label that fits a box <paramref name="width"/> pixels wide: the name, cut with <c>..</c>, or nothing below 3 characters.</summary>
    public static string Label(string name, double width)
    {
        int fit = (int)Math.Floor((width - 6) / (FontSize * FontWidth));
        if (fit < 3)
        {
            return string.Empty;
        }

        return name.Length <= fit ? name : name[..(fit - 2)] + "..";
    }

    /// <summary>The text with every character XML cannot hold (control characters, lone surrogates) replaced by <c>?</c>.</summary>
    public static string XmlSafe(string text)
    {
        StringBuilder? safe = null;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            bool pair = char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]);
            if (pair)
            {
                safe?.Append(c).Append(text[i + 1]);
                i++;
                continue;
            }

            if (XmlConvert.IsXmlChar(c))
            {
                safe?.Append(c);
                continue;
            }

            safe ??= new StringBuilder(text, 0, i, text.Length);
            safe.Append('?');
        }

        return safe?.ToString() ?? text;
    }

    // Lays out a node and the children wide enough to draw, left to right; returns how many subtrees were left out.
    private static int Layout(FlameGraphNode node, int depth, double x, long total, List<Box> boxes)
    {
        double width = node.Value * (ImageWidth - (2 * SidePad)) / total;
        boxes.Add(new Box(node, depth, x, width));
        int leftOut = 0;
        double childX = x;
        foreach (FlameGraphNode child in node.Children)
        {
            if (child.Value < total * MinWidthFraction)
            {
                leftOut++;
            }
            else
            {
                leftOut += Layout(child, depth + 1, childX, total, boxes);
            }

            childX += child.Value * (ImageWidth - (2 * SidePad)) / total;
        }

        return leftOut;
    }

    private static void WriteBox(XmlWriter xml, Box box, long total, double y)
    {
        string name = XmlSafe(box.Node.Name);
        xml.WriteStartElement("g", SvgNamespace);
        xml.WriteAttributeString("class", "f");
        xml.WriteElementString("title", SvgNamespace, string.Create(
            CultureInfo.InvariantCulture, $"{name} ({box.Node.Value:N0} bytes, {100.0 * box.Node.Value / total:0.00}%)"));
        Rect(xml, box.X, y, box.Width, FrameHeight - 1, Color(box.Node));
        xml.WriteStartElement("text", SvgNamespace);
        xml.WriteAttributeString("x", Number(box.X + 3));
        xml.WriteAttributeString("y", Number(y + 10.5));
        xml.WriteString(XmlSafe(Label(name, box.Width)));
        xml.WriteEndElement();
        xml.WriteEndElement();
    }

    private static void Rect(XmlWriter xml, double x, double y, double width, double height, string fill)
    {
        xml.WriteStartElement("rect", SvgNamespace);
        xml.WriteAttributeString("x", Number(x));
        xml.WriteAttributeString("y", Number(y));
        xml.WriteAttributeString("width", Number(width));
        xml.WriteAttributeString("height", Number(height));
        xml.WriteAttributeString("fill", fill);
        xml.WriteEndElement();
    }

    private static void Text(XmlWriter xml, string id, string? cssClass, double x, double y, string text, bool anchorEnd = false)
    {
        xml.WriteStartElement("text", SvgNamespace);
        xml.WriteAttributeString("id", id);
        if (cssClass is not null)
        {
            xml.WriteAttributeString("class", cssClass);
        }

        xml.WriteAttributeString("x", Number(x));
        xml.WriteAttributeString("y", Number(y));
        if (anchorEnd)
        {
            xml.WriteAttributeString("text-anchor", "end");
        }

        xml.WriteString(XmlSafe(text));
        xml.WriteEndElement();
    }

    private static string Subtitle(long total, int stacks, int leftOut) =>
        total == 0
            ? "No memory of this kind in the snapshot."
            : string.Create(
                CultureInfo.InvariantCulture,
                $"Total {SizeFormatter.Format(total)} ({total:N0} bytes) in {stacks:N0} stacks. Boxes narrower than {MinWidthFraction:0.0%} of the total are not drawn: {leftOut:N0} left out.");

    // Warm colours for frames, blue for the allocated types; the hue comes from the name, so a name keeps its colour.
    private static string Color(FlameGraphNode node)
    {
        uint hash = 2166136261;
        foreach (char c in node.Name)
        {
            hash = (hash ^ c) * 16777619;
        }

        uint red = hash & 0xFF;
        uint green = (hash >> 8) & 0xFF;
        uint blue = (hash >> 16) & 0xFF;
        return node.IsType
            ? string.Create(CultureInfo.InvariantCulture, $"rgb({60 + (red % 60)},{150 + (green % 60)},{200 + (blue % 56)})")
            : string.Create(CultureInfo.InvariantCulture, $"rgb({205 + (red % 51)},{60 + (green % 171)},{blue % 56})");
    }

    private static string Number(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    private readonly record struct Box(FlameGraphNode Node, int Depth, double X, double Width);
}
