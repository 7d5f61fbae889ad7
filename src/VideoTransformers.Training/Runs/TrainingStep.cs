using VideoTransformers.Data.Loading;
using VideoTransformers.Models;
using VideoTransformers.Training.Configuration;
using VideoTransformers.Training.Optimization;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VideoTransformers.Training.Runs;

/// <summary>
/// One optimizer step, the same for a single process and a data-parallel run: reseed, learning rate, forward, loss,
/// backward, gradient clipping, optimizer step and weight average. Where the processes of a data-parallel run must
/// agree (the global batch's loss, the gradients), it asks the <see cref="IStepSynchronizer"/>.
/// </summary>
internal sealed class TrainingStep
{
    private readonly VideoClassifier _model;
    private readonly optim.Optimizer _optimizer;
    private readonly IReadOnlyList<Parameter> _trainable;
    private readonly TrainingConfig _config;
    private readonly ExponentialMovingAverage? _ema;
    private readonly IStepSynchronizer _sync;
    private readonly Func<int, int, long, string, double, TrainingDivergedException> _diverged;

    /// <summary>Creates the step of a run.</summary>
    /// <param name="model">The model being trained.</param>
    /// <param name="optimizer">Its optimizer.</param>
    /// <param name="trainable">The parameters that need gradients (the ones clipped); at least one.</param>
    /// <param name="config">The training configuration (seed, label smoothing, clipping).</param>
    /// <param name="ema">The weight average to update after every step, or null.</param>
    /// <param name="sync">Where the processes of a data-parallel run agree.</param>
    /// <param name="diverged">Makes (and logs) the exception for a non-finite value: 1-based epoch, step, global step, what, value.</param>
    public TrainingStep(VideoClassifier model, optim.Optimizer optimizer, IReadOnlyList<Parameter> trainable, TrainingConfig config,
        ExponentialMovingAverage? ema, IStepSynchronizer sync, Func<int, int, long, string, double, TrainingDivergedException> diverged)
    {
        _model = model;
        _optimizer = optimizer;
        _trainable = trainable;
        _config = config;
        _ema = ema;
        _sync = sync;
        _diverged = diverged;
    }

    /// <summary>
    /// Trains on <paramref name="batch"/> (this process's slice of the global batch) as step <paramref name="step"/>
    /// (0-based) of epoch <paramref name="epoch"/> (0-based), global step <paramref name="globalStep"/> before it.
    /// Returns the outcome over the global batch.
    /// </summary>
    /// <exception cref="TrainingDivergedException">The loss or the gradient norm is not finite; the weights were not stepped.</exception>
    public StepOutcome Run(Batch batch, int epoch, int step, long globalStep, LearningRateSchedule schedule, bool cancelRequested)
    {
        using var scope = NewDisposeScope();
        manual_seed(_sync.Seed(TrainingSeeds.StepSeed(_config.Seed, epoch, step)));
        schedule.Apply(epoch, globalStep);
        // Gradients to none, as torch.optim's zero_grad does by default (TorchSharp's optimizers fill them with zeros):
        // a parameter the loss does not reach then keeps no gradient and is not stepped, in a fresh run as in a resumed one.
        _model.zero_grad();
        Tensor? loss = null;
        var local = new StepOutcome(0, 0, batch.Size, cancelRequested);
        // A data-parallel rank may get an empty slice of the last batch; it still takes part in the all-reduces.
        if (batch.Size > 0)
        {
            var device = _trainable[0].device;
            var x = batch.Inputs.device == device ? batch.Inputs : batch.Inputs.to(device);
            var y = batch.Labels.device == device ? batch.Labels : batch.Labels.to(device);
            var logits = _model.forward(x);
            loss = nn.functional.cross_entropy(logits, y, label_smoothing: _config.LabelSmoothing);
            long correct;
            using (no_grad()) correct = logits.argmax(1).eq(y).sum().ToInt64();
            local = local with { Loss = loss.ToDouble(), Correct = correct };
        }
        var total = _sync.Combine(local);
        if (total.Size < 1) throw new InvalidOperationException($"Step {step + 1} of epoch {epoch + 1} has an empty global batch.");
        if (!double.IsFinite(total.Loss)) throw _diverged(epoch + 1, step + 1, globalStep + 1, "training loss", total.Loss);
        loss?.backward();
        _sync.ReduceGradients(local.Size, total.Size);
        if (_config.GradClipNorm is { } maxNorm)
        {
            var norm = nn.utils.clip_grad_norm_(_trainable, maxNorm);
            if (!double.IsFinite(norm)) throw _diverged(epoch + 1, step + 1, globalStep + 1, "gradient norm", norm);
        }
        _optimizer.step();
        // In a data-parallel run every rank holds the same weights after the step, so every rank's average is the same too.
        _ema?.Update(_model, globalStep + 1);
        return total;
    }
}
