using Microsoft.Extensions.Logging;
using VideoTransformers.Interpretability;
using VideoTransformers.Torch;
using VideoTransformers.Training.Metrics;
using VideoTransformers.Training.Runs;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VideoTransformers.Training.Plots;

/// <summary>
/// Writes the pictures of a run into its folder, drawn with ScottPlot: <c>learning_curves.svg</c> (loss and accuracy,
/// train and validation, after every epoch), <c>confusion_matrix.svg</c> (test, or else the last validation) and, when
/// a sample clip is given and the model supports it, <c>attention.png</c> (the last spatial attention layer overlaid on
/// the clip's frames).
/// </summary>
public sealed class RunPlots : ITrainingCallback
{
    private readonly Func<(Tensor clip, byte[] frames, int height, int width, int channels)?>? _sample;
    private bool _fontChecked;

    /// <summary>
    /// Creates the callback. <paramref name="sample"/> supplies one clip for the attention overlay: the model input
    /// [1, T, C, H, W] and its frames as bytes [T, H, W, C].
    /// </summary>
    public RunPlots(Func<(Tensor clip, byte[] frames, int height, int width, int channels)?>? sample = null) => _sample = sample;

    /// <inheritdoc />
    public void OnEpochEnd(TrainingContext context, EpochRecord epoch, MetricsReport? validation)
    {
        var h = context.History;
        var x = h.Select(e => (double)e.Epoch).ToList();
        var series = new List<PlotSeries>
        {
            new("train loss", x, h.Select(e => e.TrainLoss).ToList()),
            new("train accuracy", x, h.Select(e => e.TrainAccuracy).ToList()),
        };
        if (h.Any(e => e.ValLoss.HasValue))
        {
            series.Add(new("val loss", x, h.Select(e => e.ValLoss ?? double.NaN).ToList()));
            series.Add(new("val accuracy", x, h.Select(e => e.ValAccuracy ?? double.NaN).ToList()));
        }
        WarnIfNoFont(context);
        using var figure = TrainingCharts.LearningCurves(series, $"{context.Model.GetName()}: learning curves", "epoch", "loss / accuracy");
        figure.SaveSvg(Path.Combine(context.RunDirectory, "learning_curves.svg"));
    }

    /// <inheritdoc />
    public void OnRunEnd(TrainingContext context, RunResult result)
    {
        var report = result.Test ?? result.LastValidation;
        if (report is not null)
        {
            using var figure = TrainingCharts.ConfusionMatrix(report.Confusion, context.ClassNames,
                $"{context.Model.GetName()}: confusion matrix ({(result.Test is not null ? "test" : "validation")})");
            figure.SaveSvg(Path.Combine(context.RunDirectory, "confusion_matrix.svg"));
        }
        WriteAttention(context);
    }

    /// <summary>Writes <c>attention.png</c> for one clip when the model supports attention maps.</summary>
    public void WriteAttention(TrainingContext context)
    {
        if (_sample is null || !AttentionMaps.Supports(context.Model)) return;
        var s = _sample();
        if (s is not { } sample) return;
        var map = AttentionMaps.Compute(context.Model, sample.clip);
        var frames = (int)sample.clip.size(1);
        using var figure = AttentionOverlay.RenderClip(sample.frames, frames, sample.height, sample.width, sample.channels,
            map.Values, map.Frames, map.Height, map.Width, columns: Math.Min(frames, 8),
            title: $"{context.Model.GetName()}: attention ({map.Source})");
        var path = Path.Combine(context.RunDirectory, "attention.png");
        figure.SavePng(path);
        context.Logger.LogInformation("Attention overlay ({Source}) written to {Path}", map.Source, path);
    }

    private void WarnIfNoFont(TrainingContext context)
    {
        if (_fontChecked) return;
        _fontChecked = true;
        if (PlotFonts.Sans is null)
            context.Logger.LogWarning("No font found under /usr/share/fonts: the plots will have no text (on Debian: apt-get install fonts-dejavu-core)");
    }
}
