using VideoTransformers.Training.Configuration;
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
}
