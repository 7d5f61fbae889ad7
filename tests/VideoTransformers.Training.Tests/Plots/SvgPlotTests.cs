using System.Globalization;
using System.Xml.Linq;
using FluentAssertions;
using VideoTransformers.Training.Metrics;
using VideoTransformers.Training.Plots;
using Xunit;

namespace VideoTransformers.Training.Tests.Plots;

public class SvgPlotTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    private static IEnumerable<string> Texts(XDocument doc, string cls) =>
        doc.Descendants(Svg + "text").Where(t => (string?)t.Attribute("class") == cls).Select(t => t.Value);

    [Fact]
    public void Learning_curves_are_valid_svg_with_series_legend_axes_and_title()
    {
        var svg = SvgPlot.LearningCurves(
            [
                new PlotSeries("train loss", [0.9, 0.6, 0.45, 0.4]),
                new PlotSeries("val <loss> & more", [1, 2, 3, 4], [1.0, 0.7, 0.65, 0.66]),
            ],
            title: "ViViT on AdrenalMNIST3D", xLabel: "epoch", yLabel: "loss");

        var doc = XDocument.Parse(svg);
        doc.Root!.Name.Should().Be(Svg + "svg");
        doc.Root.Attribute("viewBox")!.Value.Should().Be("0 0 720 440");
        Texts(doc, "title").Should().Equal("ViViT on AdrenalMNIST3D");
        Texts(doc, "xlabel").Should().Equal("epoch");
        Texts(doc, "ylabel").Should().Equal("loss");
        Texts(doc, "legend-label").Should().Equal("train loss", "val <loss> & more");

        var groups = doc.Descendants(Svg + "g").Where(g => (string?)g.Attribute("class") == "series").ToList();
        groups.Select(g => (string?)g.Attribute("data-name")).Should().Equal("train loss", "val <loss> & more");
        groups.Should().OnlyContain(g => g.Elements(Svg + "circle").Count() == 4 && g.Elements(Svg + "path").Count() == 1);

        // y spans 0.4..1.0, so a 0.6 range over about 6 ticks gets the nice step 0.2; x spans 1..4 in steps of 1.
        Texts(doc, "tick").Should().Equal("1", "2", "3", "4", "0.4", "0.6", "0.8", "1.0");
    }

    [Fact]
    public void Points_are_placed_by_value_and_non_finite_values_break_the_line()
    {
        var svg = SvgPlot.LearningCurves([new PlotSeries("acc", [1, 2, 3, 4, 5], [0.0, 0.5, double.NaN, 1.0, 0.5])], "t");
        var doc = XDocument.Parse(svg);
        var path = doc.Descendants(Svg + "path").Single().Attribute("d")!.Value;
        path.Count(c => c == 'M').Should().Be(2);
        var circles = doc.Descendants(Svg + "circle")
            .Select(c => (X: double.Parse(c.Attribute("cx")!.Value, CultureInfo.InvariantCulture), Y: double.Parse(c.Attribute("cy")!.Value, CultureInfo.InvariantCulture)))
            .ToList();
        circles.Should().HaveCount(4);
        circles.Select(c => c.X).Should().BeInAscendingOrder();
        // SVG y grows downward: 0.0 lowest on screen, 1.0 highest, and the two 0.5 points level.
        circles[0].Y.Should().BeGreaterThan(circles[1].Y);
        circles[2].Y.Should().BeLessThan(circles[1].Y);
        circles[3].Y.Should().BeApproximately(circles[1].Y, 0.01);
        // The midpoint value sits halfway between the values 0 and 1 (the axis spans exactly 0..1).
        circles[1].Y.Should().BeApproximately((circles[0].Y + circles[2].Y) / 2, 0.01);
    }

    [Fact]
    public void Log_axis_labels_decades_and_drops_non_positive_values()
    {
        var svg = SvgPlot.LearningCurves([new PlotSeries("loss", [2.0, 0.2, 0.02, 0.0])], "loss", logY: true);
        var doc = XDocument.Parse(svg);
        Texts(doc, "tick").Should().Contain(["0.01", "0.1", "1", "10"]);
        doc.Descendants(Svg + "circle").Should().HaveCount(3);
    }

    [Fact]
    public void Empty_and_flat_series_still_render()
    {
        XDocument.Parse(SvgPlot.LearningCurves([], "nothing yet")).Root!.Name.Should().Be(Svg + "svg");
        var flat = XDocument.Parse(SvgPlot.LearningCurves([new PlotSeries("const", [0.5, 0.5, 0.5])], "flat"));
        flat.Descendants(Svg + "circle").Select(c => c.Attribute("cy")!.Value).Distinct().Should().HaveCount(1);
    }

    [Fact]
    public void Confusion_heatmap_has_a_cell_with_its_count_for_every_pair_and_the_class_labels()
    {
        var m = ConfusionMatrix.FromPredictions([0, 0, 0, 1, 1, 2], [0, 0, 1, 1, 2, 2], 3);
        var svg = SvgPlot.ConfusionMatrixHeatmap(m, ["walking", "running & jogging", "boxing"], "Test split");
        var doc = XDocument.Parse(svg);

        Texts(doc, "title").Should().Equal("Test split");
        Texts(doc, "row-label").Should().Equal("walking", "running & jogging", "boxing");
        Texts(doc, "column-label").Should().Equal("walking", "running & jogging", "boxing");
        Texts(doc, "xlabel").Should().Equal("Predicted");
        Texts(doc, "ylabel").Should().Equal("Actual");
        Texts(doc, "count").Should().Equal("2", "1", "0", "0", "1", "1", "0", "0", "1");

        var cells = doc.Descendants(Svg + "rect").Where(r => r.Attribute("data-actual") != null).ToList();
        cells.Should().HaveCount(9);
        string Fill(int a, int p) => cells.Single(c => (int)c.Attribute("data-actual")! == a && (int)c.Attribute("data-predicted")! == p).Attribute("fill")!.Value;
        // Row-normalised: the full row of class 2 (1 of 1) is darkest, an empty cell is white.
        Fill(2, 2).Should().Be("rgb(8,48,107)");
        Fill(0, 2).Should().Be("rgb(247,251,255)");
        Fill(0, 0).Should().NotBe(Fill(0, 1));
    }

    [Fact]
    public void Heatmap_rejects_mismatched_labels()
    {
        var act = () => SvgPlot.ConfusionMatrixHeatmap(new long[2, 2], ["a"]);
        act.Should().Throw<ArgumentException>().WithMessage("*1 labels for 2 classes*");
    }
}
