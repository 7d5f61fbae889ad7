using VideoTransformers.Torch;
using VideoTransformers.Training.Configuration;
using VideoTransformers.Training.Distributed;
using VideoTransformers.Zoo;

namespace VideoTransformers.Training.Runs;

/// <summary>Where and how a <see cref="Trainer"/> records a run.</summary>
public sealed record TrainerOptions
{
    /// <summary>The run folder: checkpoints, config.yaml, metrics.csv, TensorBoard events and training_stats.json go here.</summary>
    public required string RunDirectory { get; init; }

    /// <summary>The model's spec, saved in every checkpoint JSON so the model can be rebuilt; optional.</summary>
    public ModelSpec? ModelSpec { get; init; }

    /// <summary>The whole configuration file, written as the effective <c>config.yaml</c>; when null only the training keys are written.</summary>
    public RunConfig? RunConfig { get; init; }

    /// <summary>Hooks for plots and other artifacts.</summary>
    public IReadOnlyList<ITrainingCallback> Callbacks { get; init; } = [];

    /// <summary>
    /// At the end of a run that was not cancelled, load the best checkpoint's weights into the model (before the test
    /// evaluation), as Keras' restore_best_weights does. Off, the model keeps the last epoch's weights.
    /// </summary>
    public bool RestoreBestWeights { get; init; } = true;

    /// <summary>
    /// Evaluate the test source with view averaging, as <see cref="Evaluation.Evaluator"/>'s <c>EvaluateViews</c> does:
    /// its sample indices are video ids, and the softmax of all views of a video is averaged before the metrics.
    /// </summary>
    public bool AverageTestViews { get; init; }

    /// <summary>Write TensorBoard event files.</summary>
    public bool WriteTensorBoard { get; init; } = true;

    /// <summary>Also write a TensorBoard point per optimizer step (<c>step/loss</c>, <c>step/lr</c>), not only per epoch.</summary>
    public bool LogStepScalars { get; init; } = true;

    /// <summary>
    /// The process group of a data-parallel run (one process per rank started by mpiexec, see docs/distributed.md), or null for a
    /// single-process run. With a group, <see cref="Trainer.Fit"/> starts every rank from rank 0's weights, gives each
    /// rank its slice of every global batch (<see cref="ShardedBatchSource"/>), averages the gradients
    /// before clipping and the optimizer step, and reports the training loss and accuracy summed over all ranks. Only
    /// rank 0 writes the run folder (config.yaml, checkpoints, metrics.csv, TensorBoard, training_stats.json) and
    /// calls <see cref="Callbacks"/>; the other ranks run the same schedule and write nothing. Every rank must use the
    /// same model, configuration, options and training source. The caller owns the group.
    /// </summary>
    public ProcessGroup? Distributed { get; init; }
}
