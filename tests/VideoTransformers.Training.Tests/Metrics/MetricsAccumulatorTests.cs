using FluentAssertions;
using VideoTransformers.Training.Metrics;
using Xunit;

namespace VideoTransformers.Training.Tests.Metrics;

public class MetricsAccumulatorTests
{
    [Fact]
    public void Binary_report_has_auc_and_sample_weighted_loss()
    {
        var acc = new MetricsAccumulator(2);
        // Margins (logit1 - logit0): 0.8, -3 | 0, 7, -1.
        acc.Add([0.2f, 1.0f, 2.0f, -1.0f], [1, 0], meanLoss: 1.0);
        acc.Add([0.5f, 0.5f, -3f, 4f, 1f, 0f], [1, 0, 0], meanLoss: 2.0);
        var report = acc.Compute();

        report.Count.Should().Be(5);
        report.Loss.Should().BeApproximately((2 * 1.0 + 3 * 2.0) / 5, 1e-12);
        // Predictions: 1, 0, 0 (tie goes to 0), 1, 0 against labels 1, 0, 1, 0, 0.
        report.Top1.Should().BeApproximately(3.0 / 5, 1e-12);
        report.Top5.Should().BeNull();
        report.PerClassAccuracy.Should().Equal([2.0 / 3, 0.5], (a, b) => Math.Abs(a - b) < 1e-12);
        report.Confusion.ToArray().Should().BeEquivalentTo(new long[,] { { 2, 1 }, { 1, 1 } });
        // Positives {0.8, 0} against negatives {-3, 7, -1}: 0.8 beats two, 0 beats two, so 4/6.
        report.Auc.Should().BeApproximately(4.0 / 6, 1e-12);
        report.MacroAuc.Should().BeNull();
        report.ToString().Should().Be("n=5 loss=1.6000 top1=0.6000 auc=0.6667");
    }

    [Fact]
    public void Multi_class_report_has_top5_and_macro_auc()
    {
        var acc = new MetricsAccumulator(6);
        var scores = new float[4 * 6];
        // Each row ranks classes in a known order; the label sits at rank 0, 2, 4 and 5.
        int[][] order = [[0, 1, 2, 3, 4, 5], [1, 2, 3, 4, 5, 0], [5, 4, 3, 2, 1, 0], [2, 3, 4, 5, 0, 1]];
        long[] labels = [0, 3, 1, 1];
        for (var r = 0; r < 4; r++)
        for (var rank = 0; rank < 6; rank++) scores[r * 6 + order[r][rank]] = 10 - rank;
        acc.Add(scores, labels);
        var report = acc.Compute();

        report.Loss.Should().BeNull();
        report.Top1.Should().Be(0.25);
        report.Top5.Should().Be(0.75);
        report.Auc.Should().BeNull();
        // By hand: every row holds the same six scores, so a class's probability falls with its rank in the row.
        // Class 0 (positive row 0, rank 0; negatives at ranks 5, 5, 4): AUC 1. Class 1 (positives at ranks 4 and 5;
        // negatives at 1 and 0): AUC 0. Class 3 (positive at rank 2; negatives at ranks 3, 2, 1): (1 + ½ + 0) / 3.
        // Classes 2, 4 and 5 have no positive and are left out of the mean.
        report.MacroAuc.Should().BeApproximately((1 + 0 + 0.5) / 3, 1e-12);
    }

    [Fact]
    public void Macro_auc_matches_a_hand_computed_value_with_a_tie()
    {
        float[] probabilities =
        [
            0.7f, 0.2f, 0.1f,   // label 0
            0.2f, 0.4f, 0.4f,   // label 1
            0.5f, 0.1f, 0.4f,   // label 2
            0.4f, 0.3f, 0.3f,   // label 0
        ];
        long[] labels = [0, 1, 2, 0];
        // Class 0: positives 0.7 and 0.4 against negatives 0.2 and 0.5 win 3 of 4 pairs. Class 1: 0.4 beats 0.2, 0.1
        // and 0.3. Class 2: 0.4 beats 0.1 and 0.3 and ties 0.4 (a tie counts one half): 2.5 of 3.
        ClassificationMetrics.MacroOneVsRestAuc(probabilities, labels, 3).Should().BeApproximately((0.75 + 1 + 2.5 / 3) / 3, 1e-12);
        ClassificationMetrics.RocAuc([0.7, 0.2, 0.5, 0.4], [1, 0, 0, 1]).Should().BeApproximately(0.75, 1e-12);
    }

    [Fact]
    public void Reset_forgets_and_bad_batches_are_rejected()
    {
        var acc = new MetricsAccumulator(3);
        acc.Add([1f, 0f, 0f], [0], 0.5);
        acc.Count.Should().Be(1);
        acc.Reset();
        acc.Count.Should().Be(0);
        acc.Invoking(a => a.Compute()).Should().Throw<InvalidOperationException>().WithMessage("*No samples*");
        acc.Invoking(a => a.Add(new float[4], new long[2])).Should().Throw<ArgumentException>().WithMessage("*2 labels need 6 scores*");
        acc.Invoking(a => a.Add(new float[3], [3])).Should().Throw<ArgumentException>().WithMessage("*labels[0] is 3*");
        acc.Count.Should().Be(0);
    }
}
