using System.Diagnostics;
using VideoTransformers.Data.Loading;
using VideoTransformers.Models;
using VideoTransformers.Torch;
using VideoTransformers.Training.Metrics;
using VideoTransformers.Training.Runs;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VideoTransformers.Training.Evaluation;

/// <summary>
/// Evaluates a model over a batch source in inference mode (dropout off, no autograd), one dispose scope per batch,
/// and returns a <see cref="MetricsReport"/>: loss, top-1, top-5 when there are more than 5 classes, per-class accuracy,
/// confusion matrix and ROC AUC. The model's training flag is restored afterwards.
/// </summary>
public static class Evaluator
{
    /// <summary>Metrics of <paramref name="model"/> on every clip of <paramref name="source"/> (one row per clip).</summary>
    /// <exception cref="InvalidOperationException">The model produced NaN or infinite outputs.</exception>
    public static MetricsReport Evaluate(VideoClassifier model, IBatchSource source, IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellationToken = default) =>
        Run(model, source, null, progress, null, cancellationToken);

    /// <summary>
    /// Multi-view test-time evaluation: the source yields several views (clips, crops) per video, and
    /// <paramref name="videoIdOf"/> maps a sample index (<see cref="Batch.Indices"/>) to its video; by default the index
    /// is the video id, so views of one video share an index. Softmax probabilities are averaged per video, and the
    /// metrics (loss = mean negative log of the averaged probability of the label) are computed over videos.
    /// </summary>
    /// <exception cref="InvalidDataException">Views of one video carry different labels.</exception>
    public static MetricsReport EvaluateViews(VideoClassifier model, IBatchSource source, Func<int, long>? videoIdOf = null,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default) =>
        Run(model, source, videoIdOf ?? (i => i), progress, null, cancellationToken);

    /// <summary>Multi-view evaluation where sample <c>i</c> is a view of video <c>i / viewsPerVideo</c>.</summary>
    public static MetricsReport EvaluateViews(VideoClassifier model, IBatchSource source, int viewsPerVideo,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(viewsPerVideo, 1);
        return Run(model, source, i => i / viewsPerVideo, progress, null, cancellationToken);
    }

    internal static MetricsReport Run(VideoClassifier model, IBatchSource source, Func<int, long>? videoIdOf,
        IProgress<TrainingProgress>? progress, EvaluationPosition? position, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(source);
        var classes = checked((int)model.NumClasses);
        if (source.ClassNames.Count != classes)
            throw new ArgumentException($"The source has {source.ClassNames.Count} classes but {model.GetName()} predicts {classes}.", nameof(source));

        var perClip = new MetricsAccumulator(classes);
        var logits = new List<float>();
        var labels = new List<long>();
        var videos = new List<long>();
        var device = model.parameters().FirstOrDefault()?.device ?? CPU;
        var wasTraining = model.training;
        var clock = Stopwatch.StartNew();
        double lossSum = 0;
        long correct = 0, seen = 0;
        var step = 0;
        model.eval();
        try
        {
            using var inference = inference_mode();
            foreach (var batch in source.GetBatches(0))
            {
                using var owned = batch;
                cancellationToken.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                // MatchInput also converts a float32 batch to a bfloat16 model's dtype (InferencePrecision.BFloat16).
                var x = model.MatchInput(batch.Inputs);
                var y = batch.Labels.device == device ? batch.Labels : batch.Labels.to(device);
                var output = model.forward(x);
                // Loss and scores in float32: a bfloat16 cross-entropy would round the loss to 3 significant digits.
                if (output.dtype is ScalarType.BFloat16 or ScalarType.Float16) output = output.to(float32);
                var loss = nn.functional.cross_entropy(output, y).ToDouble();
                if (!double.IsFinite(loss))
                    throw position?.NonFinite(loss)
                          ?? new InvalidOperationException($"{model.GetName()} produced a non-finite loss ({loss}) on evaluation batch {step + 1}; has training diverged?");
                var scores = output.to(float32).cpu().data<float>().ToArray();
                var truth = batch.Labels.data<long>().ToArray();
                if (videoIdOf is null) perClip.Add(scores, truth, loss);
                else
                {
                    logits.AddRange(scores);
                    labels.AddRange(truth);
                    foreach (var i in batch.Indices) videos.Add(videoIdOf(i));
                }
                step++;
                lossSum += loss * batch.Size;
                seen += batch.Size;
                correct += CountCorrect(scores, truth, classes);
                if (progress is not null)
                {
                    var rate = seen / Math.Max(clock.Elapsed.TotalSeconds, 1e-9);
                    progress.Report(new TrainingProgress(position?.Phase ?? TrainingPhase.Test, position?.Epoch ?? 1, position?.Epochs ?? 1,
                        step, source.BatchCount, position?.GlobalStep ?? 0, position?.TotalSteps ?? 0, lossSum / seen, (double)correct / seen,
                        position?.LearningRate ?? 0, rate, position?.RunClock.Elapsed ?? clock.Elapsed, null));
                }
            }
        }
        finally
        {
            model.train(wasTraining);
        }
        if (videoIdOf is null) return perClip.Compute();
        return AverageViews(logits.ToArray(), labels.ToArray(), videos.ToArray(), classes);
    }

    private static MetricsReport AverageViews(float[] logits, long[] labels, long[] videos, int classes)
    {
        if (labels.Length == 0) throw new InvalidOperationException("The source yielded no samples; there is nothing to evaluate.");
        var averaged = ClassificationMetrics.AverageViewProbabilities(logits, videos, classes);
        var videoLabel = new Dictionary<long, long>();
        for (var i = 0; i < videos.Length; i++)
        {
            if (!videoLabel.TryAdd(videos[i], labels[i]) && videoLabel[videos[i]] != labels[i])
                throw new InvalidDataException($"Video {videos[i]} has views labelled {videoLabel[videos[i]]} and {labels[i]}; views of one video must share its label.");
        }
        var perVideo = averaged.VideoIds.Select(v => videoLabel[v]).ToArray();
        double nll = 0;
        for (var v = 0; v < perVideo.Length; v++)
            nll -= Math.Log(Math.Max(averaged.Probabilities[v * classes + (int)perVideo[v]], 1e-12));
        var acc = new MetricsAccumulator(classes, scoresAreLogits: false);
        acc.Add(averaged.Probabilities, perVideo, nll / perVideo.Length);
        return acc.Compute();
    }

    internal static long CountCorrect(ReadOnlySpan<float> scores, ReadOnlySpan<long> labels, int classes)
    {
        var predictions = ClassificationMetrics.Predictions(scores, classes);
        long correct = 0;
        for (var i = 0; i < labels.Length; i++)
            if (predictions[i] == labels[i]) correct++;
        return correct;
    }
}
