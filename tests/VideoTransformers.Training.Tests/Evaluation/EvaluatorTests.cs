using FluentAssertions;
using VideoTransformers.Data.Loading;
using VideoTransformers.Training.Evaluation;
using VideoTransformers.Training.Metrics;
using VideoTransformers.Training.Runs;
using VideoTransformers.Training.Tests.Support;
using Xunit;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VideoTransformers.Training.Tests.Evaluation;

public class EvaluatorTests
{
    // Three videos of two views each, as logits over 3 classes. Video 0 (label 0): one view right, one wrong, the
    // average right. Video 1 (label 1): likewise. Video 2 (label 2): both views wrong. Per clip 2 of 6 are right.
    private static readonly float[] Logits =
    [
        2, 0, 0, /**/ 0, 1, 0,
        0, 3, 0, /**/ 0, 0, 1,
        1, 0, 0, /**/ 1, 0, 0,
    ];

    private static readonly long[] Labels = [0, 0, 1, 1, 2, 2];

    private static TensorBatchSource Source(long[] labels, int batchSize = 4)
    {
        using var x = tensor(Logits, [6, 1, 1, 1, 3]);
        using var y = tensor(labels, [6]);
        return new TensorBatchSource(x, y, batchSize, ["a", "b", "c"], shuffle: false);
    }

    [Fact]
    public void Per_clip_evaluation_matches_the_metrics_of_the_raw_logits()
    {
        using var model = new LogitsPassThrough(3);
        using var source = Source(Labels);
        var expected = new MetricsAccumulator(3);
        using (var x = tensor(Logits, [6, 3]))
        using (var y = tensor(Labels, [6]))
        using (var loss = nn.functional.cross_entropy(x, y))
            expected.Add(Logits, Labels, loss.ToDouble());

        var report = Evaluator.Evaluate(model, source);

        report.Count.Should().Be(6);
        report.Top1.Should().BeApproximately(2.0 / 6, 1e-12);
        report.Loss.Should().BeApproximately(expected.Compute().Loss!.Value, 1e-6);
        report.Confusion.ToArray().Should().BeEquivalentTo(expected.Compute().Confusion.ToArray());
        report.MacroAuc.Should().BeApproximately(expected.Compute().MacroAuc!.Value, 1e-12);
    }

    [Fact]
    public void Multi_view_evaluation_averages_softmax_per_video_before_the_metrics()
    {
        using var model = new LogitsPassThrough(3);
        using var source = Source(Labels);
        var averaged = ClassificationMetrics.AverageViewProbabilities(Logits, 3, 2);

        var report = Evaluator.EvaluateViews(model, source, viewsPerVideo: 2);

        report.Count.Should().Be(3);
        report.Top1.Should().BeApproximately(2.0 / 3, 1e-12);
        report.PerClassAccuracy.Should().Equal(1.0, 1.0, 0.0);
        var nll = -(Math.Log(averaged[0]) + Math.Log(averaged[3 + 1]) + Math.Log(averaged[6 + 2])) / 3;
        report.Loss.Should().BeApproximately(nll, 1e-6);
        Evaluator.EvaluateViews(model, source, i => i / 2).Should().BeEquivalentTo(report);
    }

    [Fact]
    public void Views_of_one_video_with_different_labels_are_refused()
    {
        using var model = new LogitsPassThrough(3);
        using var source = Source([0, 1, 1, 1, 2, 2]);

        var act = () => Evaluator.EvaluateViews(model, source, viewsPerVideo: 2);

        act.Should().Throw<InvalidDataException>().WithMessage("Video 0 has views labelled 0 and 1*");
    }

    [Fact]
    public void Evaluation_restores_training_mode_and_reports_progress()
    {
        using var model = new LogitsPassThrough(3);
        using var source = Source(Labels, batchSize: 2);
        var progress = new SyncProgress(_ => { });
        model.train();

        Evaluator.Evaluate(model, source, progress);

        model.training.Should().BeTrue();
        progress.Reports.Select(p => (p.Phase, p.Step, p.Steps)).Should().Equal((TrainingPhase.Test, 1, 3), (TrainingPhase.Test, 2, 3), (TrainingPhase.Test, 3, 3));
        progress.Reports[^1].Accuracy.Should().BeApproximately(2.0 / 6, 1e-12);
    }

    [Fact]
    public void Non_finite_outputs_are_an_error_not_a_metric()
    {
        using var model = new LogitsPassThrough(3);
        using var x = tensor(new float[] { float.NaN, 0, 0 }, [1, 1, 1, 1, 3]);
        using var y = tensor(new long[] { 0 }, [1]);
        using var source = new TensorBatchSource(x, y, 1, ["a", "b", "c"]);

        var act = () => Evaluator.Evaluate(model, source);

        act.Should().Throw<InvalidOperationException>().WithMessage("*non-finite loss*");
    }
}
