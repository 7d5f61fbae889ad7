using FluentAssertions;
using VideoTransformers.Training.Metrics;
using Xunit;

namespace VideoTransformers.Training.Tests.Metrics;

public class ConfusionMatrixTests
{
    // actual [0,0,1,1,2,2,2], predicted [0,1,1,1,2,0,2] gives rows a0 [1,1,0], a1 [0,2,0], a2 [1,0,2].
    private static ConfusionMatrix Sample() => ConfusionMatrix.FromPredictions([0, 0, 1, 1, 2, 2, 2], [0, 1, 1, 1, 2, 0, 2], 3);

    [Fact]
    public void Counts_rows_as_actual_and_columns_as_predicted()
    {
        var m = Sample();
        m.ToArray().Should().BeEquivalentTo(new long[,] { { 1, 1, 0 }, { 0, 2, 0 }, { 1, 0, 2 } });
        m[2, 0].Should().Be(1);
        m[0, 2].Should().Be(0);
        m.Total.Should().Be(7);
        m.Support(2).Should().Be(3);
        m.PredictedCount(0).Should().Be(2);
        m.ToRows().Should().BeEquivalentTo(new[] { new long[] { 1, 1, 0 }, new long[] { 0, 2, 0 }, new long[] { 1, 0, 2 } }, o => o.WithStrictOrdering());
    }

    [Fact]
    public void Ratios_match_hand_computed_values()
    {
        var m = Sample();
        m.Accuracy.Should().BeApproximately(5.0 / 7, 1e-12);
        m.Recall().Should().Equal([0.5, 1.0, 2.0 / 3], (a, b) => Math.Abs(a - b) < 1e-12);
        m.Precision().Should().Equal([0.5, 2.0 / 3, 1.0], (a, b) => Math.Abs(a - b) < 1e-12);
        m.F1().Should().Equal([0.5, 0.8, 0.8], (a, b) => Math.Abs(a - b) < 1e-12);
        m.BalancedAccuracy.Should().BeApproximately(13.0 / 18, 1e-12);
    }

    [Fact]
    public void Absent_classes_give_NaN_not_zero()
    {
        var m = ConfusionMatrix.FromPredictions([0, 0], [0, 1], 3);
        var recall = m.Recall();
        recall[0].Should().Be(0.5);
        double.IsNaN(recall[1]).Should().BeTrue("class 1 is predicted once but never occurs");
        double.IsNaN(recall[2]).Should().BeTrue();
        m.Precision()[1].Should().Be(0);
        double.IsNaN(m.Precision()[2]).Should().BeTrue();
        m.BalancedAccuracy.Should().Be(0.5);
        double.IsNaN(new ConfusionMatrix(2).Accuracy).Should().BeTrue();
    }

    [Fact]
    public void Add_merges_and_validates()
    {
        var m = Sample();
        m.Add(Sample());
        m[1, 1].Should().Be(4);
        m.Add(2, 2, 5);
        m[2, 2].Should().Be(9);
        m.Invoking(x => x.Add(3, 0)).Should().Throw<ArgumentOutOfRangeException>();
        m.Invoking(x => x.Add(-1, 0)).Should().Throw<ArgumentOutOfRangeException>();
        m.Invoking(x => x.Add(new ConfusionMatrix(2))).Should().Throw<ArgumentException>();
        var notSquare = () => new ConfusionMatrix(new long[2, 3]);
        notSquare.Should().Throw<ArgumentException>();
    }

    [Fact]
    public void ToText_aligns_names_and_counts()
    {
        var text = ConfusionMatrix.FromPredictions([0, 1, 1], [0, 1, 0], 2).ToText(["normal", "hyperplasia"]);
        var lines = text.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        lines.Should().HaveCount(3);
        lines[0].Should().Contain("normal").And.Contain("hyperplasia");
        lines[2].Should().StartWith("hyperplasia").And.EndWith("1           1");
        lines.Select(l => l.Length).Distinct().Should().HaveCount(1);
    }
}
