using System.Globalization;
using ScottPlot;
using ScottPlot.TickGenerators;
using VideoTransformers.Training.Metrics;

namespace VideoTransformers.Training.Plots;

/// <summary>The charts of a training report, drawn with ScottPlot: learning curves, confusion-matrix heat maps and scaling sweeps.</summary>
public static class TrainingCharts
{
    // Markers make sparse curves (a few epochs) readable and show isolated points between gaps; past this they clutter.
    private const int MaxPointsWithMarkers = 60;

    /// <summary>Draws one or more series as lines on shared axes, with axis labels, a legend and a title.</summary>
    /// <param name="series">The lines; each gets the next colour of ScottPlot's palette (matplotlib's tab10).</param>
    /// <param name="title">The chart title.</param>
    /// <param name="xLabel">The x-axis label.</param>
    /// <param name="yLabel">The y-axis label.</param>
    /// <param name="width">Image width in pixels.</param>
    /// <param name="height">Image height in pixels.</param>
    /// <param name="logY">Use a log-scale y axis (for losses); non-positive values are left out.</param>
    /// <returns>The chart; the caller disposes it.</returns>
    public static Figure LearningCurves(
        IReadOnlyList<PlotSeries> series, string title, string xLabel = "epoch", string yLabel = "",
        int width = 720, int height = 440, bool logY = false)
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(title);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 200);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 150);

        var plot = new Plot();
        PlotFonts.Apply(plot);
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);

        double Usable(double y) => !double.IsFinite(y) || (logY && y <= 0) ? double.NaN : logY ? Math.Log10(y) : y;
        foreach (var s in series)
        {
            // NaN leaves a gap in ScottPlot's line, so missing epochs (no validation yet) do not join their neighbours.
            var xs = s.X.Select(x => double.IsFinite(x) ? x : double.NaN).ToArray();
            var ys = s.Y.Select(Usable).ToArray();
            var scatter = plot.Add.Scatter(xs, ys);
            scatter.LegendText = s.Name;
            scatter.LineWidth = 2;
            var points = ys.Count(double.IsFinite);
            scatter.MarkerSize = points <= MaxPointsWithMarkers ? 6 : 0;
        }

        if (logY)
        {
            var ys = series.SelectMany(s => s.Y).Where(y => double.IsFinite(y) && y > 0).ToList();
            var decades = ys.Count == 0 ? 0 : Math.Log10(ys.Max()) - Math.Log10(ys.Min());
            plot.Axes.Left.TickGenerator = new NumericAutomatic
            {
                MinorTickGenerator = new LogMinorTickGenerator(),
                // Powers of ten only when the data spans a decade; within one they would leave the axis unlabelled.
                IntegerTicksOnly = decades >= 1,
                LabelFormatter = v => Math.Pow(10, v).ToString("G3", CultureInfo.InvariantCulture),
            };
        }
        if (series.Count > 0) plot.ShowLegend(Edge.Right);
        return new Figure(plot, width, height);
    }

    /// <summary>Draws a confusion matrix as a heat map with class labels and the count in every cell.</summary>
    /// <param name="matrix">Rows actual, columns predicted.</param>
    /// <param name="classLabels">One label per class; indices are used when null.</param>
    /// <param name="title">The chart title.</param>
    /// <param name="normalizeRows">Colour by the fraction of each actual class (recall), so rare classes stay visible; otherwise by count.</param>
    /// <returns>The chart, sized to the number of classes and the label lengths; the caller disposes it.</returns>
    public static Figure ConfusionMatrix(ConfusionMatrix matrix, IReadOnlyList<string>? classLabels = null, string title = "Confusion matrix", bool normalizeRows = true)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        return ConfusionMatrix(matrix.ToArray(), classLabels, title, normalizeRows);
    }

    /// <inheritdoc cref="ConfusionMatrix(Metrics.ConfusionMatrix, IReadOnlyList{string}?, string, bool)"/>
    public static Figure ConfusionMatrix(long[,] counts, IReadOnlyList<string>? classLabels = null, string title = "Confusion matrix", bool normalizeRows = true)
    {
        ArgumentNullException.ThrowIfNull(counts);
        ArgumentNullException.ThrowIfNull(title);
        var n = counts.GetLength(0);
        if (n == 0 || counts.GetLength(1) != n) throw new ArgumentException($"Counts must be square and non-empty, not {counts.GetLength(0)}×{counts.GetLength(1)}.", nameof(counts));
        if (classLabels != null && classLabels.Count != n) throw new ArgumentException($"{classLabels.Count} labels for {n} classes.", nameof(classLabels));
        var labels = Enumerable.Range(0, n).Select(i => classLabels?[i] ?? i.ToString(CultureInfo.InvariantCulture)).ToArray();

        long max = 0;
        var rowSums = new long[n];
        for (var a = 0; a < n; a++)
        for (var p = 0; p < n; p++)
        {
            max = Math.Max(max, counts[a, p]);
            rowSums[a] += counts[a, p];
        }
        var shade = new double[n, n];
        for (var a = 0; a < n; a++)
        for (var p = 0; p < n; p++)
            shade[a, p] = normalizeRows ? (rowSums[a] == 0 ? 0 : (double)counts[a, p] / rowSums[a]) : (max == 0 ? 0 : (double)counts[a, p] / max);

        var plot = new Plot();
        PlotFonts.Apply(plot);
        plot.Title(title);
        plot.XLabel("Predicted");
        plot.YLabel("Actual");
        plot.HideGrid();

        // Row 0 of the heat map is drawn at the top, so actual class a sits at y = n - 1 - a and reads top to bottom.
        // ScottPlot 5.1.59 draws nothing for a heat map one cell wide or high: one class is drawn as 2×2 equal cells.
        var heatmap = plot.Add.Heatmap(n == 1 ? new[,] { { shade[0, 0], shade[0, 0] }, { shade[0, 0], shade[0, 0] } } : shade);
        heatmap.Rectangle = new CoordinateRect(-0.5, n - 0.5, -0.5, n - 0.5);
        heatmap.ManualRange = new ScottPlot.Range(0, 1);
        // ScottPlot's Blues runs dark to white; reversed it is matplotlib's white-to-dark-blue "Blues".
        heatmap.Colormap = new ScottPlot.Colormaps.Reversed(new ScottPlot.Colormaps.Blues());
        // Cells as rectangles rather than a scaled bitmap: crisp vector cells in the SVG, where viewers would blur
        // an embedded few-pixel image.
        heatmap.RenderStrategy = new ScottPlot.Plottables.Heatmap.RenderStrategies.Rectangles();

        var cell = Math.Clamp(480 / n, 22, 64);
        var countSize = (float)Math.Clamp(cell / 3.2, 8, 14);
        for (var a = 0; a < n; a++)
        for (var p = 0; p < n; p++)
        {
            var text = plot.Add.Text(counts[a, p].ToString(CultureInfo.InvariantCulture), p, n - 1 - a);
            text.LabelAlignment = Alignment.MiddleCenter;
            text.LabelFontSize = countSize;
            text.LabelFontColor = shade[a, p] > 0.5 ? Colors.White : Color.FromHex("#111111");
        }

        var positions = Enumerable.Range(0, n).Select(i => (double)i).ToArray();
        plot.Axes.Bottom.TickGenerator = new NumericManual(positions, labels);
        plot.Axes.Left.TickGenerator = new NumericManual(positions.Select(y => n - 1 - y).ToArray(), labels);
        var cellPixels = (float)cell;
        float widest;
        using (var paint = Paint.NewDisposablePaint())
            widest = labels.Max(l => plot.Axes.Left.TickLabelStyle.Measure(l, paint).Size.Width);
        // Column labels wider than their cell are turned 45° so they read downwards from under it, and the bottom axis
        // grows to hold them, so the "Predicted" label stays clear.
        var rotate = widest > cellPixels - 4;
        float bottomAxis = 36;
        if (rotate)
        {
            plot.Axes.Bottom.TickLabelStyle.Rotation = 45;
            plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.UpperLeft;
            bottomAxis = widest * 0.72f + 40;
            plot.Axes.Bottom.MinimumSize = bottomAxis;
        }
        plot.Axes.SetLimits(-0.5, n - 0.5, -0.5, n - 0.5);

        // A fixed data area keeps every cell square and leaves room for the labels, whatever their length.
        var grid = n * cell;
        float left = widest + 44, top = 44, right = rotate ? Math.Max(24, widest * 0.72f - cellPixels / 2 + 8) : 24;
        plot.Layout.Fixed(new PixelRect(left, left + grid, top + grid, top));
        return new Figure(plot, (int)Math.Ceiling(left + grid + right), (int)Math.Ceiling(top + grid + bottomAxis + 8));
    }

    /// <summary>
    /// Draws a scaling sweep: milliseconds per training step against frames per clip, one line per attention kind, on
    /// a log2 frames axis (each doubling of T one step to the right). Where points carry peak RSS, it is drawn dashed in
    /// the same colour with square markers against a right-hand axis. Save it as PNG: Skia's SVG canvas draws the
    /// dashes solid (the squares still tell the memory lines apart).
    /// </summary>
    /// <param name="points">The measurements; lines keep the order in which their kinds first appear.</param>
    /// <param name="title">The chart title.</param>
    /// <param name="width">Image width in pixels.</param>
    /// <param name="height">Image height in pixels.</param>
    /// <returns>The chart; the caller disposes it.</returns>
    /// <exception cref="ArgumentException">A point has fewer than 1 frame, an empty kind or a non-finite or negative time.</exception>
    public static Figure ScalingSweep(IReadOnlyList<ScalingPoint> points, string title, int width = 720, int height = 440)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(title);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 200);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 150);
        foreach (var p in points)
        {
            if (p is null) throw new ArgumentException("A scaling point is null.", nameof(points));
            if (string.IsNullOrWhiteSpace(p.Kind)) throw new ArgumentException("A scaling point has no attention kind.", nameof(points));
            if (p.Frames < 1) throw new ArgumentException($"Point '{p.Kind}' has {p.Frames} frames; need at least 1.", nameof(points));
            if (!double.IsFinite(p.MsPerStep) || p.MsPerStep < 0) throw new ArgumentException($"Point '{p.Kind}' at T = {p.Frames} has time {p.MsPerStep} ms.", nameof(points));
        }

        var plot = new Plot();
        PlotFonts.Apply(plot);
        plot.Title(title);
        plot.XLabel("frames T");
        plot.YLabel("ms per training step");

        var kinds = points.Select(p => p.Kind).Distinct().ToList();
        var withRss = points.Any(p => double.IsFinite(p.PeakRssMb));
        var palette = new ScottPlot.Palettes.Category10();
        for (var k = 0; k < kinds.Count; k++)
        {
            var line = points.Where(p => p.Kind == kinds[k]).OrderBy(p => p.Frames).ToList();
            var xs = line.Select(p => Math.Log2(p.Frames)).ToArray();
            var colour = palette.GetColor(k);
            var ms = plot.Add.Scatter(xs, line.Select(p => p.MsPerStep).ToArray(), colour);
            ms.LegendText = withRss ? $"{kinds[k]} ms" : kinds[k];
            ms.LineWidth = 2;
            ms.MarkerSize = 7;
            if (!withRss) continue;
            var rss = plot.Add.Scatter(xs, line.Select(p => double.IsFinite(p.PeakRssMb) ? p.PeakRssMb : double.NaN).ToArray(), colour);
            rss.LegendText = $"{kinds[k]} RSS";
            rss.LineWidth = 1.5f;
            rss.LinePattern = LinePattern.Dashed;
            rss.MarkerShape = MarkerShape.FilledSquare;
            rss.MarkerSize = 7;
            rss.Axes.YAxis = plot.Axes.Right;
        }
        if (withRss) plot.Axes.Right.Label.Text = "peak RSS MB (dashed)";

        // Ticks at the measured clip lengths, labelled with T itself rather than its logarithm.
        var frames = points.Select(p => p.Frames).Distinct().Order().ToArray();
        if (frames.Length > 0)
        {
            plot.Axes.Bottom.TickGenerator = new NumericManual(
                frames.Select(t => Math.Log2(t)).ToArray(), frames.Select(t => t.ToString(CultureInfo.InvariantCulture)).ToArray());
            // Half a doubling of margin either side, so end markers are not clipped by the frame.
            plot.Axes.SetLimitsX(Math.Log2(frames[0]) - 0.5, Math.Log2(frames[^1]) + 0.5);
        }
        // Times start at zero so the lines' heights compare as ratios.
        plot.Axes.AutoScale();
        if (points.Count > 0)
        {
            plot.Axes.SetLimitsY(0, Math.Max(points.Max(p => p.MsPerStep) * 1.1, 1), plot.Axes.Left);
            if (withRss) plot.Axes.SetLimitsY(0, Math.Max(points.Where(p => double.IsFinite(p.PeakRssMb)).Max(p => p.PeakRssMb) * 1.1, 1), plot.Axes.Right);
            if (frames.Length > 0) plot.Axes.SetLimitsX(Math.Log2(frames[0]) - 0.5, Math.Log2(frames[^1]) + 0.5);
        }
        if (kinds.Count > 0) plot.ShowLegend(Edge.Bottom);
        return new Figure(plot, width, height);
    }
}
