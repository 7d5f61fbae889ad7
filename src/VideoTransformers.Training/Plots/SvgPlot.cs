using System.Globalization;
using System.Xml.Linq;
using VideoTransformers.Training.Metrics;

namespace VideoTransformers.Training.Plots;

/// <summary>
/// Dependency-free SVG charts for training reports: learning curves and confusion-matrix heat maps. The
/// output is a complete, well-formed SVG document (built with LINQ to XML, so names are always escaped).
/// </summary>
public static class SvgPlot
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    // matplotlib's tab10, the palette readers of ML papers already know.
    private static readonly string[] Palette =
        ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

    private const string Font = "DejaVu Sans, Helvetica, Arial, sans-serif";

    /// <summary>Draws one or more series as lines on shared axes, with ticks, grid, axis labels, a legend and a title.</summary>
    /// <param name="series">The lines; each gets the next palette colour.</param>
    /// <param name="title">The chart title.</param>
    /// <param name="xLabel">The x-axis label.</param>
    /// <param name="yLabel">The y-axis label.</param>
    /// <param name="width">Total width in pixels.</param>
    /// <param name="height">Total height in pixels.</param>
    /// <param name="logY">Use a log-scale y axis (for losses); non-positive values are left out.</param>
    /// <returns>The SVG document as text.</returns>
    public static string LearningCurves(
        IReadOnlyList<PlotSeries> series, string title, string xLabel = "epoch", string yLabel = "",
        int width = 720, int height = 440, bool logY = false)
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(title);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 200);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 150);

        bool Usable(double x, double y) => double.IsFinite(x) && double.IsFinite(y) && (!logY || y > 0);
        var points = series.SelectMany(s => s.X.Zip(s.Y)).Where(p => Usable(p.First, p.Second)).ToList();
        var xScale = points.Count == 0 ? AxisScale.Linear(0, 1) : AxisScale.Linear(points.Min(p => p.First), points.Max(p => p.First));
        var yScale = points.Count == 0
            ? (logY ? AxisScale.Log(1, 10) : AxisScale.Linear(0, 1))
            : logY ? AxisScale.Log(points.Min(p => p.Second), points.Max(p => p.Second))
                   : AxisScale.Linear(points.Min(p => p.Second), points.Max(p => p.Second));

        var legendWidth = series.Count == 0 ? 0 : 40 + 7 * series.Max(s => s.Name.Length);
        double left = 72, top = 44, right = width - 16 - legendWidth, bottom = height - 52;
        if (right - left < 80) throw new ArgumentException($"A width of {width} leaves no room for the plot beside the legend.", nameof(width));
        double X(double v) => left + xScale.Fraction(v) * (right - left);
        double Y(double v) => bottom - yScale.Fraction(v) * (bottom - top);

        var root = Document(width, height);
        root.Add(Text(width / 2.0, 24, title, 16, "middle", weight: "bold", cls: "title"));

        var grid = new XElement(Svg + "g", new XAttribute("class", "grid"), new XAttribute("stroke", "#e0e0e0"), new XAttribute("stroke-width", 1));
        var axes = new XElement(Svg + "g", new XAttribute("class", "axes"));
        foreach (var t in xScale.Ticks)
        {
            grid.Add(Line(X(t), top, X(t), bottom));
            axes.Add(Line(X(t), bottom, X(t), bottom + 5, "#333"));
            axes.Add(Text(X(t), bottom + 18, xScale.Format(t), 11, "middle", cls: "tick"));
        }
        foreach (var t in yScale.Ticks)
        {
            grid.Add(Line(left, Y(t), right, Y(t)));
            axes.Add(Line(left - 5, Y(t), left, Y(t), "#333"));
            axes.Add(Text(left - 8, Y(t) + 4, yScale.Format(t), 11, "end", cls: "tick"));
        }
        axes.Add(new XElement(Svg + "rect", Attr("x", left), Attr("y", top), Attr("width", right - left), Attr("height", bottom - top),
            new XAttribute("fill", "none"), new XAttribute("stroke", "#333")));
        axes.Add(Text((left + right) / 2, height - 12, xLabel, 13, "middle", cls: "xlabel"));
        var yText = Text(18, (top + bottom) / 2, yLabel, 13, "middle", cls: "ylabel");
        yText.Add(new XAttribute("transform", $"rotate(-90 18 {F((top + bottom) / 2)})"));
        axes.Add(yText);
        root.Add(grid, axes);

        var legend = new XElement(Svg + "g", new XAttribute("class", "legend"));
        for (var i = 0; i < series.Count; i++)
        {
            var s = series[i];
            var color = Palette[i % Palette.Length];
            var group = new XElement(Svg + "g", new XAttribute("class", "series"), new XAttribute("data-name", s.Name),
                new XElement(Svg + "title", s.Name));
            var path = new System.Text.StringBuilder();
            var penDown = false;
            var usable = Enumerable.Range(0, s.X.Count).Where(k => Usable(s.X[k], s.Y[k])).ToList();
            for (var k = 0; k < s.X.Count; k++)
            {
                if (!Usable(s.X[k], s.Y[k])) { penDown = false; continue; }
                path.Append(penDown ? " L" : (path.Length > 0 ? " M" : "M")).Append(F(X(s.X[k]))).Append(',').Append(F(Y(s.Y[k])));
                penDown = true;
            }
            if (path.Length > 0)
                group.Add(new XElement(Svg + "path", new XAttribute("d", path.ToString()), new XAttribute("fill", "none"),
                    new XAttribute("stroke", color), new XAttribute("stroke-width", 2), new XAttribute("stroke-linejoin", "round")));
            // Markers make sparse curves (a few epochs) readable and show isolated points between gaps.
            if (usable.Count <= 60)
                foreach (var k in usable)
                    group.Add(new XElement(Svg + "circle", Attr("cx", X(s.X[k])), Attr("cy", Y(s.Y[k])), Attr("r", 2.5), new XAttribute("fill", color)));
            root.Add(group);

            var ly = top + 10 + i * 20;
            legend.Add(Line(right + 14, ly, right + 38, ly, color, 2.5));
            legend.Add(Text(right + 44, ly + 4, s.Name, 12, "start", cls: "legend-label"));
        }
        root.Add(legend);
        return Serialize(root);
    }

    /// <summary>Draws a confusion matrix as a heat map with class labels and the count in every cell.</summary>
    /// <param name="matrix">Rows actual, columns predicted.</param>
    /// <param name="classLabels">One label per class; indices are used when null.</param>
    /// <param name="title">The chart title.</param>
    /// <param name="normalizeRows">Colour by the fraction of each actual class (recall), so rare classes stay visible; otherwise by count.</param>
    /// <returns>The SVG document as text.</returns>
    public static string ConfusionMatrixHeatmap(ConfusionMatrix matrix, IReadOnlyList<string>? classLabels = null, string title = "Confusion matrix", bool normalizeRows = true)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        return ConfusionMatrixHeatmap(matrix.ToArray(), classLabels, title, normalizeRows);
    }

    /// <inheritdoc cref="ConfusionMatrixHeatmap(ConfusionMatrix, IReadOnlyList{string}?, string, bool)"/>
    public static string ConfusionMatrixHeatmap(long[,] counts, IReadOnlyList<string>? classLabels = null, string title = "Confusion matrix", bool normalizeRows = true)
    {
        ArgumentNullException.ThrowIfNull(counts);
        var n = counts.GetLength(0);
        if (n == 0 || counts.GetLength(1) != n) throw new ArgumentException($"Counts must be square and non-empty, not {counts.GetLength(0)}×{counts.GetLength(1)}.", nameof(counts));
        if (classLabels != null && classLabels.Count != n) throw new ArgumentException($"{classLabels.Count} labels for {n} classes.", nameof(classLabels));
        var labels = Enumerable.Range(0, n).Select(i => classLabels?[i] ?? i.ToString(CultureInfo.InvariantCulture)).ToArray();

        var cell = Math.Clamp(480 / n, 22, 64);
        var longest = labels.Max(l => l.Length);
        var rotate = longest * 7 > cell;
        double left = 40 + 7 * longest + 10, top = 52;
        var gridSize = n * cell;
        var bottomSpace = 36 + (rotate ? (int)(longest * 5.2) + 10 : 18);
        var width = (int)(left + gridSize + 24);
        var height = (int)(top + gridSize + bottomSpace);

        long max = 0;
        var rowSums = new long[n];
        for (var a = 0; a < n; a++)
        for (var p = 0; p < n; p++)
        {
            max = Math.Max(max, counts[a, p]);
            rowSums[a] += counts[a, p];
        }

        var root = Document(width, height);
        root.Add(Text(width / 2.0, 26, title, 16, "middle", weight: "bold", cls: "title"));
        var cells = new XElement(Svg + "g", new XAttribute("class", "cells"));
        var fontSize = Math.Clamp(cell / 3.2, 8, 14);
        for (var a = 0; a < n; a++)
        for (var p = 0; p < n; p++)
        {
            var value = normalizeRows ? (rowSums[a] == 0 ? 0 : (double)counts[a, p] / rowSums[a]) : (max == 0 ? 0 : (double)counts[a, p] / max);
            var (r, g, b) = Blues(value);
            double x = left + p * cell, y = top + a * cell;
            var share = rowSums[a] == 0 ? "" : $" ({((double)counts[a, p] / rowSums[a]).ToString("P1", CultureInfo.InvariantCulture)} of {labels[a]})";
            cells.Add(new XElement(Svg + "rect", Attr("x", x), Attr("y", y), Attr("width", cell), Attr("height", cell),
                new XAttribute("fill", $"rgb({r},{g},{b})"), new XAttribute("stroke", "#ffffff"),
                new XAttribute("data-actual", a), new XAttribute("data-predicted", p),
                new XElement(Svg + "title", $"actual {labels[a]}, predicted {labels[p]}: {counts[a, p].ToString(CultureInfo.InvariantCulture)}{share}")));
            cells.Add(Text(x + cell / 2.0, y + cell / 2.0 + fontSize / 3, counts[a, p].ToString(CultureInfo.InvariantCulture), fontSize, "middle",
                fill: value > 0.5 ? "#ffffff" : "#111111", cls: "count"));
        }
        root.Add(cells);

        var axes = new XElement(Svg + "g", new XAttribute("class", "axes"));
        for (var i = 0; i < n; i++)
        {
            axes.Add(Text(left - 6, top + i * cell + cell / 2.0 + 4, labels[i], 11, "end", cls: "row-label"));
            var cx = left + i * cell + cell / 2.0;
            var ly = top + gridSize + 14;
            var colLabel = Text(cx, ly, labels[i], 11, rotate ? "end" : "middle", cls: "column-label");
            if (rotate) colLabel.Add(new XAttribute("transform", $"rotate(-45 {F(cx)} {F(ly)})"));
            axes.Add(colLabel);
        }
        axes.Add(Text(left + gridSize / 2.0, height - 8, "Predicted", 13, "middle", cls: "xlabel"));
        var yMid = top + gridSize / 2.0;
        var actual = Text(16, yMid, "Actual", 13, "middle", cls: "ylabel");
        actual.Add(new XAttribute("transform", $"rotate(-90 16 {F(yMid)})"));
        axes.Add(actual);
        root.Add(axes);
        return Serialize(root);
    }

    // White to dark blue, like matplotlib's "Blues".
    private static (int R, int G, int B) Blues(double t)
    {
        t = Math.Clamp(t, 0, 1);
        return ((int)Math.Round(247 + (8 - 247) * t), (int)Math.Round(251 + (48 - 251) * t), (int)Math.Round(255 + (107 - 255) * t));
    }

    private static XElement Document(int width, int height) =>
        new(Svg + "svg",
            new XAttribute("width", width), new XAttribute("height", height),
            new XAttribute("viewBox", $"0 0 {width} {height}"),
            new XAttribute("font-family", Font),
            new XElement(Svg + "rect", new XAttribute("width", "100%"), new XAttribute("height", "100%"), new XAttribute("fill", "#ffffff")));

    private static XElement Line(double x1, double y1, double x2, double y2, string? stroke = null, double strokeWidth = 1)
    {
        var e = new XElement(Svg + "line", Attr("x1", x1), Attr("y1", y1), Attr("x2", x2), Attr("y2", y2));
        if (stroke != null) e.Add(new XAttribute("stroke", stroke), Attr("stroke-width", strokeWidth));
        return e;
    }

    private static XElement Text(double x, double y, string text, double size, string anchor, string? weight = null, string fill = "#111111", string? cls = null)
    {
        var e = new XElement(Svg + "text", Attr("x", x), Attr("y", y), Attr("font-size", size),
            new XAttribute("text-anchor", anchor), new XAttribute("fill", fill), text);
        if (weight != null) e.Add(new XAttribute("font-weight", weight));
        if (cls != null) e.Add(new XAttribute("class", cls));
        return e;
    }

    private static XAttribute Attr(string name, double value) => new(name, F(value));

    private static string F(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);

    private static string Serialize(XElement root) =>
        new XDocument(new XDeclaration("1.0", "utf-8", null), root).Declaration + Environment.NewLine + root;
}
