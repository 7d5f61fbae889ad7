using FluentAssertions;
using VideoTransformers.Training.Metrics;
using Xunit;

namespace VideoTransformers.Training.Tests.Metrics;

public class ClassificationMetricsTests
{
    // Row 0: label 1 is the top score. Row 1: label 2 is second. Row 2: label 2 ties classes 0 and 1 below class 3,
    // and ties break toward the lower index, so it ranks fourth.
    private static readonly float[] Scores =
    [
        0.1f, 0.7f, 0.2f, 0.0f,
        0.5f, 0.1f, 0.3f, 0.1f,
        0.2f, 0.2f, 0.2f, 0.4f,
    ];
    private static readonly long[] Labels = [1, 2, 2];

    [Theory]
    [InlineData(1, 1.0 / 3)]
    [InlineData(2, 2.0 / 3)]
    [InlineData(3, 2.0 / 3)]
    [InlineData(4, 1.0)]
    public void Top_k_accuracy_matches_hand_computed_ranks(int k, double expected) =>
        ClassificationMetrics.TopKAccuracy(Scores, Labels, 4, k).Should().BeApproximately(expected, 1e-12);

    [Fact]
    public void Predictions_take_the_first_maximum()
    {
        ClassificationMetrics.Predictions(Scores, 4).Should().Equal(1, 0, 3);
        ClassificationMetrics.Predictions([0.3f, 0.3f, 0.1f], 3).Should().Equal(0);
        ClassificationMetrics.Top1Accuracy(Scores, Labels, 4).Should().BeApproximately(1.0 / 3, 1e-12);
    }

    [Fact]
    public void Per_class_accuracy_is_recall_with_NaN_for_absent_classes()
    {
        var perClass = ClassificationMetrics.PerClassAccuracy(Scores, Labels, 4);
        perClass[1].Should().Be(1);
        perClass[2].Should().Be(0);
        double.IsNaN(perClass[0]).Should().BeTrue();
        double.IsNaN(perClass[3]).Should().BeTrue();
    }

    [Fact]
    public void Auc_of_the_sklearn_documentation_example_is_0_75()
    {
        ClassificationMetrics.RocAuc(new[] { 0.1, 0.4, 0.35, 0.8 }, [0, 0, 1, 1]).Should().BeApproximately(0.75, 1e-12);
        ClassificationMetrics.RocAuc(new[] { 0.1f, 0.4f, 0.35f, 0.8f }, [0, 0, 1, 1]).Should().BeApproximately(0.75, 1e-12);
    }

    [Fact]
    public void Auc_counts_ties_as_one_half()
    {
        // Positives {0.5, 0.9} against negatives {0.5, 0.5}: two ties (1/2 each) and two wins, so 3/4.
        ClassificationMetrics.RocAuc(new[] { 0.5, 0.5, 0.5, 0.9 }, [0, 1, 0, 1]).Should().BeApproximately(0.75, 1e-12);
        ClassificationMetrics.RocAuc(new[] { 0.3, 0.3, 0.3 }, [0, 1, 1]).Should().Be(0.5);
        ClassificationMetrics.RocAuc(new[] { 0.1, 0.2, 0.8, 0.9 }, [0, 0, 1, 1]).Should().Be(1);
        ClassificationMetrics.RocAuc(new[] { 0.9, 0.8, 0.2, 0.1 }, [0, 0, 1, 1]).Should().Be(0);
    }

    [Fact]
    public void Auc_agrees_with_brute_force_pair_counting_on_random_data_with_ties()
    {
        var rng = new Random(1234);
        for (var trial = 0; trial < 20; trial++)
        {
            var n = rng.Next(2, 200);
            // Scores on a coarse grid so ties are common.
            var scores = Enumerable.Range(0, n).Select(_ => rng.Next(0, 10) / 10.0).ToArray();
            var labels = Enumerable.Range(0, n).Select(_ => (long)rng.Next(0, 2)).ToArray();
            double wins = 0, pairs = 0;
            for (var i = 0; i < n; i++)
            for (var j = 0; j < n; j++)
            {
                if (labels[i] != 1 || labels[j] != 0) continue;
                pairs++;
                wins += scores[i] > scores[j] ? 1 : scores[i] == scores[j] ? 0.5 : 0;
            }
            var auc = ClassificationMetrics.RocAuc(scores, labels);
            if (pairs == 0) double.IsNaN(auc).Should().BeTrue();
            else auc.Should().BeApproximately(wins / pairs, 1e-12, $"trial {trial}");
        }
    }

    [Fact]
    public void Auc_is_NaN_with_a_single_class_and_rejects_bad_input()
    {
        double.IsNaN(ClassificationMetrics.RocAuc(new[] { 0.1, 0.2 }, [1, 1])).Should().BeTrue();
        var badLabel = () => ClassificationMetrics.RocAuc(new[] { 0.1, 0.2 }, [0, 2]);
        badLabel.Should().Throw<ArgumentException>().WithMessage("*labels[1] is 2*");
        var nan = () => ClassificationMetrics.RocAuc(new[] { 0.1, double.NaN }, [0, 1]);
        nan.Should().Throw<ArgumentException>().WithMessage("*NaN*");
        var length = () => ClassificationMetrics.RocAuc(new[] { 0.1 }, [0, 1]);
        length.Should().Throw<ArgumentException>();
    }

    [Fact]
    public void Binary_auc_from_logits_ranks_like_the_positive_probability()
    {
        float[] logits = [0.2f, 1.0f, 2.0f, -1.0f, 0.5f, 0.5f, -3f, 4f, 1f, 0f];
        long[] labels = [1, 0, 0, 1, 0];
        var probs = ClassificationMetrics.Softmax(logits, 2);
        var p1 = Enumerable.Range(0, 5).Select(i => (double)probs[2 * i + 1]).ToArray();
        // Hand count: margins are 0.8, -3, 0, 7, -1 with positives {0.8, 7}; both beat all negatives.
        ClassificationMetrics.BinaryRocAuc(logits, labels).Should().Be(1);
        ClassificationMetrics.RocAuc(p1, labels).Should().Be(1);
        long[] labels2 = [0, 1, 1, 0, 0];
        // Positives {-3, 0} against negatives {0.8, 7, -1}: 0 beats -1 only; -3 beats none, so 1/6.
        ClassificationMetrics.BinaryRocAuc(logits, labels2).Should().BeApproximately(1.0 / 6, 1e-12);
        ClassificationMetrics.RocAuc(Enumerable.Range(0, 5).Select(i => (double)probs[2 * i + 1]).ToArray(), labels2).Should().BeApproximately(1.0 / 6, 1e-12);
    }

    [Fact]
    public void Macro_one_vs_rest_auc_averages_per_class_aucs()
    {
        float[] probs =
        [
            0.6f, 0.3f, 0.1f,
            0.2f, 0.5f, 0.3f,
            0.3f, 0.3f, 0.4f,
            0.5f, 0.2f, 0.3f,
        ];
        // Class 0: 1. Class 1: positives {0.5, 0.2} vs negatives {0.3, 0.3} gives 2/4. Class 2: 1.
        ClassificationMetrics.MacroOneVsRestAuc(probs, [0, 1, 2, 1], 3).Should().BeApproximately(5.0 / 6, 1e-7);
        // With class 2 absent it has no AUC and drops out of the mean. Class 0: positives {0.6, 0.3} vs
        // negatives {0.2, 0.5} win 3 of 4 pairs; class 1: positives {0.5, 0.2} vs {0.3, 0.3} win 2 of 4.
        ClassificationMetrics.MacroOneVsRestAuc(probs, [0, 1, 0, 1], 3).Should().BeApproximately((0.75 + 0.5) / 2, 1e-7);
    }

    [Fact]
    public void Softmax_is_normalised_and_stable_for_large_logits()
    {
        var p = ClassificationMetrics.Softmax([0f, MathF.Log(3), 1000f, 1000f], 2);
        p[0].Should().BeApproximately(0.25f, 1e-6f);
        p[1].Should().BeApproximately(0.75f, 1e-6f);
        p[2].Should().Be(0.5f);
        p[3].Should().Be(0.5f);
    }

    [Fact]
    public void View_averaging_averages_probabilities_not_logits()
    {
        var ln3 = MathF.Log(3);
        float[] logits =
        [
            0, ln3, ln3, 0, // video 0: [.25,.75] and [.75,.25]
            0, 0, 0, ln3,   // video 1: [.5,.5] and [.25,.75]
        ];
        var avg = ClassificationMetrics.AverageViewProbabilities(logits, 2, viewsPerVideo: 2);
        avg.Should().Equal([0.5f, 0.5f, 0.375f, 0.625f], (a, b) => Math.Abs(a - b) < 1e-6);
        // Averaging logits instead would give softmax([0, ln3/2]) = [0.366, 0.634] for video 1.

        var byId = ClassificationMetrics.AverageViewProbabilities(
            [0, ln3, 0, 0, ln3, 0, 0, ln3], [7, 3, 7, 3], 2);
        byId.VideoIds.Should().Equal(7, 3);
        byId.Probabilities.Should().Equal([0.5f, 0.5f, 0.375f, 0.625f], (a, b) => Math.Abs(a - b) < 1e-6);

        var ragged = () => ClassificationMetrics.AverageViewProbabilities(new float[6], 2, 2);
        ragged.Should().Throw<ArgumentException>().WithMessage("*3 rows*2 views*");
    }

    [Fact]
    public void Invalid_inputs_are_rejected_with_the_reason()
    {
        var badShape = () => ClassificationMetrics.Top1Accuracy(new float[5], [0, 1], 2);
        badShape.Should().Throw<ArgumentException>().WithMessage("*5 scores*2 classes*");
        var badLabel = () => ClassificationMetrics.Top1Accuracy(new float[4], [0, 2], 2);
        badLabel.Should().Throw<ArgumentException>().WithMessage("*labels[1] is 2*");
        var nan = () => ClassificationMetrics.Top1Accuracy([0f, float.NaN], [0], 2);
        nan.Should().Throw<ArgumentException>().WithMessage("*NaN*");
    }
}
