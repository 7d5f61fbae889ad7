using System.Xml.Linq;
using FluentAssertions;
using ScottPlot;
using ScottPlot.Plottables;
using VideoTransformers.Training.Metrics;
using VideoTransformers.Training.Plots;
using Xunit;
using static VideoTransformers.Training.Tests.Plots.PlotPixels;

namespace VideoTransformers.Training.Tests.Plots;

public class TrainingChartsTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    private static List<string> SvgTexts(string svg) =>
        XDocument.Parse(svg).Descendants(Svg + "text").Select(t => t.Value.Trim()).ToList();

    [Fact]
    public void Learning_curves_render_every_series_with_title_axes_and_legend()
    {
        using var figure = TrainingCharts.LearningCurves(
            [
                new PlotSeries("train loss", [0.9, 0.6, 0.45, 0.4]),
                new PlotSeries("val <loss> & more", [1, 2, 3, 4], [1.0, 0.7, 0.65, 0.66]),
            ],
            title: "ViViT on AdrenalMNIST3D", xLabel: "epoch", yLabel: "loss");

        using var png = Decode(figure.ToPng());
        (png.Width, png.Height).Should().Be((720, 440));
        DistinctColours(png).Should().BeGreaterThan(20, "curves, markers, grid, legend and antialiased text");
        // The title is drawn: a font was found and used.
        DarkPixels(png, 0, 40).Should().BeGreaterThan(100);

        var plot = figure.Plot;
        plot.Axes.Title.Label.Text.Should().Be("ViViT on AdrenalMNIST3D");
        plot.Axes.Bottom.Label.Text.Should().Be("epoch");
        plot.Axes.Left.Label.Text.Should().Be("loss");
        var scatters = plot.GetPlottables<Scatter>().ToList();
        scatters.Select(s => s.LegendText).Should().Equal("train loss", "val <loss> & more");
        scatters[0].Color.Should().NotBe(scatters[1].Color);

        // Every point of every series is drawn in its series' colour where its value puts it.
        double[][] ys = [[0.9, 0.6, 0.45, 0.4], [1.0, 0.7, 0.65, 0.66]];
        for (var s = 0; s < 2; s++)
        for (var k = 0; k < 4; k++)
            At(png, plot.GetPixel(new Coordinates(k + 1, ys[s][k]))).Should().Be(Rgb(scatters[s].Color), $"point {k} of series {s}");

        // The y ticks cover the data (0.4 to 1.0).
        var ticks = plot.Axes.Left.TickGenerator.Ticks.Where(t => t.IsMajor).Select(t => t.Position).ToList();
        ticks.Min().Should().BeLessThanOrEqualTo(0.45);
        ticks.Max().Should().BeGreaterThanOrEqualTo(0.95);

        // The SVG form is well-formed XML with the same labels, special characters escaped.
        SvgTexts(figure.ToSvg()).Should().Contain(["ViViT on AdrenalMNIST3D", "epoch", "loss", "train loss", "val <loss> & more"]);
    }

    [Fact]
    public void Points_are_placed_by_value_and_non_finite_values_break_the_line()
    {
        using var figure = TrainingCharts.LearningCurves([new PlotSeries("acc", [1, 2, 3, 4, 5], [0.0, 0.5, double.NaN, 1.0, 0.5])], "t");
        using var png = Decode(figure.ToPng());
        var plot = figure.Plot;
        var colour = plot.GetPlottables<Scatter>().Single().Color;
        Pixel P(double x, double y) => plot.GetPixel(new Coordinates(x, y));

        foreach (var (x, y) in new[] { (1.0, 0.0), (2, 0.5), (4, 1.0), (5, 0.5) })
            At(png, P(x, y)).Should().Be(Rgb(colour), $"the marker of ({x}, {y})");
        // Screen y grows downward: 0.0 lowest, 1.0 highest, the two 0.5 points level and halfway between.
        P(1, 0).Y.Should().BeGreaterThan(P(2, 0.5).Y);
        P(4, 1).Y.Should().BeLessThan(P(2, 0.5).Y);
        P(5, 0.5).Y.Should().BeApproximately(P(2, 0.5).Y, 0.01f);
        P(2, 0.5).Y.Should().BeApproximately((P(1, 0).Y + P(4, 1).Y) / 2, 0.5f);

        // Segments join neighbours that have values, but nothing crosses the NaN at x = 3.
        Near(png, P(1.5, 0.25), colour).Should().BeTrue("the line from 1 to 2 is drawn");
        Near(png, P(4.5, 0.75), colour).Should().BeTrue("the line from 4 to 5 is drawn");
        Near(png, P(3, 0.75), colour, radius: 3).Should().BeFalse("no line bridges the missing value");
        Near(png, P(2.5, 0.625), colour, radius: 3).Should().BeFalse("no line leaves 2 towards the missing value");
    }

    [Fact]
    public void Log_axis_labels_decades_and_drops_non_positive_values()
    {
        using var figure = TrainingCharts.LearningCurves([new PlotSeries("loss", [2.0, 0.2, 0.02, 0.0])], "loss", logY: true);
        using var png = Decode(figure.ToPng());
        var plot = figure.Plot;
        plot.Axes.Left.TickGenerator.Ticks.Where(t => t.IsMajor).Select(t => t.Label).Should().Contain(["0.1", "1"]);
        var scatter = plot.GetPlottables<Scatter>().Single();
        scatter.Data.GetScatterPoints().Count(p => double.IsFinite(p.Y)).Should().Be(3);
        // Equal ratios are equal distances on a log axis.
        double[] values = [2.0, 0.2, 0.02];
        var px = values.Select((v, i) => plot.GetPixel(new Coordinates(i + 1, Math.Log10(v)))).ToList();
        (px[1].Y - px[0].Y).Should().BeApproximately(px[2].Y - px[1].Y, 0.5f);
        foreach (var p in px) At(png, p).Should().Be(Rgb(scatter.Color));
    }

    [Fact]
    public void Empty_and_flat_series_still_render()
    {
        using (var empty = TrainingCharts.LearningCurves([], "nothing yet"))
        using (var png = Decode(empty.ToPng()))
            (png.Width, png.Height).Should().Be((720, 440));

        using var flat = TrainingCharts.LearningCurves([new PlotSeries("const", [0.5, 0.5, 0.5])], "flat");
        using var flatPng = Decode(flat.ToPng());
        var colour = flat.Plot.GetPlottables<Scatter>().Single().Color;
        var px = Enumerable.Range(1, 3).Select(x => flat.Plot.GetPixel(new Coordinates(x, 0.5))).ToList();
        px.Select(p => p.Y).Distinct().Should().HaveCount(1);
        foreach (var p in px) At(flatPng, p).Should().Be(Rgb(colour));
    }

    [Fact]
    public void Confusion_heatmap_has_a_cell_with_its_count_for_every_pair_and_the_class_labels()
    {
        var m = ConfusionMatrix.FromPredictions([0, 0, 0, 1, 1, 2], [0, 0, 1, 1, 2, 2], 3);
        string[] labels = ["walking", "running & jogging", "boxing"];
        using var figure = TrainingCharts.ConfusionMatrix(m, labels, "Test split");
        using var png = Decode(figure.ToPng());
        (png.Width, png.Height).Should().Be((figure.Width, figure.Height));

        var plot = figure.Plot;
        plot.Axes.Title.Label.Text.Should().Be("Test split");
        plot.Axes.Bottom.Label.Text.Should().Be("Predicted");
        plot.Axes.Left.Label.Text.Should().Be("Actual");
        // Columns left to right and rows top to bottom in class order.
        plot.Axes.Bottom.TickGenerator.Ticks.OrderBy(t => t.Position).Select(t => t.Label).Should().Equal(labels);
        plot.Axes.Left.TickGenerator.Ticks.OrderByDescending(t => t.Position).Select(t => t.Label).Should().Equal(labels);
        var counts = plot.GetPlottables<Text>().ToList();
        counts.Select(t => t.LabelText).Should().Equal("2", "1", "0", "0", "1", "1", "0", "0", "1");
        counts.Select(t => (t.Location.X, t.Location.Y)).Should().Equal((0.0, 2.0), (1.0, 2.0), (2.0, 2.0), (0.0, 1.0), (1.0, 1.0), (2.0, 1.0), (0.0, 0.0), (1.0, 0.0), (2.0, 0.0));

        // Row-normalised shades: sample each cell off-centre, clear of its count.
        double[,] share = { { 2 / 3.0, 1 / 3.0, 0 }, { 0, 0.5, 0.5 }, { 0, 0, 1 } };
        var cells = new List<(double Share, (byte R, byte G, byte B) Colour)>();
        for (var a = 0; a < 3; a++)
        for (var p = 0; p < 3; p++)
            cells.Add((share[a, p], At(png, plot.GetPixel(new Coordinates(p - 0.35, 2 - a + 0.35)))));
        // Equal shares get equal colours, and a larger share is always a darker cell.
        foreach (var group in cells.GroupBy(c => c.Share))
            group.Select(c => c.Colour).Distinct().Should().HaveCount(1, $"every cell with share {group.Key:F2} looks the same");
        var byShare = cells.GroupBy(c => c.Share).OrderBy(g => g.Key).Select(g => Luma(g.First().Colour)).ToList();
        byShare.Should().HaveCount(5).And.BeInDescendingOrder().And.OnlyHaveUniqueItems();
        // The full row of class 2 (1 of 1) is the darkest blue, an empty cell white.
        var full = cells[8].Colour;
        full.B.Should().BeGreaterThan(full.R);
        Luma(full).Should().BeLessThan(80);
        cells[2].Colour.Should().Be(((byte)255, (byte)255, (byte)255));

        var svg = figure.ToSvg();
        SvgTexts(svg).Should().Contain(["Test split", "Predicted", "Actual", "walking", "running & jogging", "boxing"]);
        // Cells are vector rectangles, not an embedded bitmap that viewers would blur when scaling.
        XDocument.Parse(svg).Descendants(Svg + "image").Should().BeEmpty();
    }

    [Fact]
    public void A_single_class_matrix_still_draws_its_cell()
    {
        using var figure = TrainingCharts.ConfusionMatrix(new long[,] { { 5 } }, ["only"]);
        using var png = Decode(figure.ToPng());
        var cell = At(png, figure.Plot.GetPixel(new Coordinates(-0.35, 0.35)));
        cell.Should().Be(Rgb(new ScottPlot.Colormaps.Blues().GetColor(0)), "a full row is the darkest blue");
    }

    [Fact]
    public void Heatmap_by_count_shades_relative_to_the_largest_count()
    {
        using var figure = TrainingCharts.ConfusionMatrix(new long[,] { { 8, 2 }, { 4, 0 } }, normalizeRows: false);
        using var png = Decode(figure.ToPng());
        var plot = figure.Plot;
        var luma = new double[2, 2];
        for (var a = 0; a < 2; a++)
        for (var p = 0; p < 2; p++)
            luma[a, p] = Luma(At(png, plot.GetPixel(new Coordinates(p - 0.35, 1 - a + 0.35))));
        luma[0, 0].Should().BeLessThan(luma[1, 0]);
        luma[1, 0].Should().BeLessThan(luma[0, 1]);
        luma[0, 1].Should().BeLessThan(luma[1, 1]);
        plot.Axes.Bottom.TickGenerator.Ticks.Select(t => t.Label).Should().Equal("0", "1");
    }

    [Fact]
    public void Heatmap_rejects_mismatched_labels()
    {
        var act = () => TrainingCharts.ConfusionMatrix(new long[2, 2], ["a"]);
        act.Should().Throw<ArgumentException>().WithMessage("*1 labels for 2 classes*");
        var square = () => TrainingCharts.ConfusionMatrix(new long[2, 3]);
        square.Should().Throw<ArgumentException>().WithMessage("*square*");
    }

    [Fact]
    public void Figures_save_by_extension_and_refuse_unknown_ones()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"vt-plots-{Guid.NewGuid():N}");
        try
        {
            using var figure = TrainingCharts.LearningCurves([new PlotSeries("a", [1.0, 2.0])], "t");
            figure.Save(Path.Combine(dir, "sub", "a.png"));
            figure.Save(Path.Combine(dir, "sub", "a.svg"));
            using (var png = Decode(File.ReadAllBytes(Path.Combine(dir, "sub", "a.png"))))
                (png.Width, png.Height).Should().Be((720, 440));
            XDocument.Load(Path.Combine(dir, "sub", "a.svg")).Root!.Name.Should().Be(Svg + "svg");
            var act = () => figure.Save(Path.Combine(dir, "a.gif"));
            act.Should().Throw<ArgumentException>().WithMessage("*a.gif*.png or .svg*");
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    private static readonly int[] SweepFrames = [8, 16, 32];

    // Values chosen so that no two markers share a pixel at any T: each point's own colour must show at its centre.
    private static List<ScalingPoint> Sweep(bool rss)
    {
        (string Kind, double[] Ms, double[] Rss)[] lines =
        [
            ("joint", [40, 140, 400], [198, 253, 495]),
            ("divided", [120, 220, 300], [396, 451, 858]),
            ("factorised-encoder", [200, 60, 250], [880, 1000, 330]),
        ];
        return lines.SelectMany(l => SweepFrames.Select((t, i) => new ScalingPoint(l.Kind, t, l.Ms[i], rss ? l.Rss[i] : double.NaN))).ToList();
    }

    [Fact]
    public void Scaling_sweep_draws_time_and_memory_per_attention_kind_on_a_log2_frames_axis()
    {
        var points = Sweep(rss: true);
        // Shuffled input: lines are still joined in order of T.
        using var figure = TrainingCharts.ScalingSweep(points.OrderByDescending(p => p.Frames).ToList(), "Training step vs frames");
        using var png = Decode(figure.ToPng());
        (png.Width, png.Height).Should().Be((720, 440));
        DarkPixels(png, 0, 40).Should().BeGreaterThan(100, "the title is drawn");

        var plot = figure.Plot;
        plot.Axes.Bottom.Label.Text.Should().Be("frames T");
        plot.Axes.Left.Label.Text.Should().Be("ms per training step");
        plot.Axes.Right.Label.Text.Should().Contain("peak RSS MB");
        var scatters = plot.GetPlottables<Scatter>().ToList();
        scatters.Select(s => s.LegendText).Should().Equal(
            "joint ms", "joint RSS", "divided ms", "divided RSS", "factorised-encoder ms", "factorised-encoder RSS");
        var ms = new[] { scatters[0], scatters[2], scatters[4] };
        var rss = new[] { scatters[1], scatters[3], scatters[5] };
        ms.Select(s => s.Color).Distinct().Should().HaveCount(3, "each attention kind has its own colour");
        for (var k = 0; k < 3; k++) rss[k].Color.Should().Be(ms[k].Color, "memory is drawn in its kind's colour");
        rss.Should().OnlyContain(s => s.LinePattern.Equals(LinePattern.Dashed) && s.Axes.YAxis == plot.Axes.Right);

        // Every measurement sits where its value puts it, in its series' colour: times on the left axis, memory on the right.
        for (var k = 0; k < 3; k++)
        for (var i = 0; i < 3; i++)
        {
            var p = points[k * 3 + i];
            var x = Math.Log2(p.Frames);
            At(png, plot.GetPixel(new Coordinates(x, p.MsPerStep), plot.Axes.Bottom, plot.Axes.Left)).Should().Be(Rgb(ms[k].Color), $"{p.Kind} ms at T = {p.Frames}");
            At(png, plot.GetPixel(new Coordinates(x, p.PeakRssMb), plot.Axes.Bottom, plot.Axes.Right)).Should().Be(Rgb(rss[k].Color), $"{p.Kind} RSS at T = {p.Frames}");
        }

        // Log2 x axis (the markers above sit at log2 T): ticks at the measured T, labelled with T, so each doubling is
        // one equal step.
        var ticks = plot.Axes.Bottom.TickGenerator.Ticks;
        ticks.Select(t => t.Label).Should().Equal("8", "16", "32");
        ticks.Select(t => t.Position).Should().Equal(3.0, 4.0, 5.0);
        // Both y axes start at zero, so heights compare as ratios.
        plot.Axes.Left.Min.Should().Be(0);
        plot.Axes.Right.Min.Should().Be(0);

        SvgTexts(figure.ToSvg()).Should().Contain(["Training step vs frames", "frames T", "joint ms", "factorised-encoder RSS", "16"]);
    }

    [Fact]
    public void Scaling_sweep_without_memory_draws_one_line_per_kind_and_no_right_axis_label()
    {
        using var figure = TrainingCharts.ScalingSweep(Sweep(rss: false), "t");
        using var png = Decode(figure.ToPng());
        var scatters = figure.Plot.GetPlottables<Scatter>().ToList();
        scatters.Select(s => s.LegendText).Should().Equal("joint", "divided", "factorised-encoder");
        figure.Plot.Axes.Right.Label.Text.Should().BeEmpty();
        foreach (var (s, k) in scatters.Select((s, k) => (s, k)))
            At(png, figure.Plot.GetPixel(new Coordinates(Math.Log2(32), Sweep(false)[k * 3 + 2].MsPerStep))).Should().Be(Rgb(s.Color));
    }

    [Fact]
    public void Scaling_sweep_rejects_points_it_cannot_place()
    {
        var act = () => TrainingCharts.ScalingSweep([new ScalingPoint("joint", 0, 10)], "t");
        act.Should().Throw<ArgumentException>().WithMessage("*'joint'*0 frames*");
        act = () => TrainingCharts.ScalingSweep([new ScalingPoint("divided", 8, double.NaN)], "t");
        act.Should().Throw<ArgumentException>().WithMessage("*'divided'*T = 8*");
        act = () => TrainingCharts.ScalingSweep([new ScalingPoint(" ", 8, 1)], "t");
        act.Should().Throw<ArgumentException>().WithMessage("*no attention kind*");
    }
}
