using Microsoft.Extensions.Logging;
using VideoTransformers.Models;
using VideoTransformers.Training.Configuration;
using VideoTransformers.Zoo;

namespace VideoTransformers.Training.Runs;

/// <summary>What a <see cref="ITrainingCallback"/> may look at: the run folder, the model, the configuration and the history so far.</summary>
/// <param name="RunDirectory">The run folder (checkpoints, metrics.csv, TensorBoard events); artifacts such as plots go here.</param>
/// <param name="Model">The model being trained (read it, e.g. for attention maps, under no_grad; do not change its weights).</param>
/// <param name="Config">The training configuration.</param>
/// <param name="ModelSpec">The model's spec, when the trainer was given one.</param>
/// <param name="ClassNames">The class names of the training source.</param>
/// <param name="History">Every finished epoch so far (grows during the run).</param>
/// <param name="Logger">The trainer's logger.</param>
public sealed record TrainingContext(
    string RunDirectory,
    VideoClassifier Model,
    TrainingConfig Config,
    ModelSpec? ModelSpec,
    IReadOnlyList<string> ClassNames,
    IReadOnlyList<EpochRecord> History,
    ILogger Logger);
