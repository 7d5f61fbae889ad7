using VideoTransformers.Training.Metrics;

namespace VideoTransformers.Training.Runs;

/// <summary>
/// A hook into a training run for artifacts that are not the trainer's business: learning-curve and confusion-matrix
/// plots, attention overlays, notifications. Every method has an empty default, so an implementation overrides only
/// what it needs. A callback that throws is logged and does not stop training (a failed plot must not cost a run).
/// </summary>
public interface ITrainingCallback
{
    /// <summary>Called once before the first epoch (also when resuming).</summary>
    void OnRunStart(TrainingContext context)
    {
    }

    /// <summary>Called after every finished epoch, once its checkpoints, metrics.csv row and TensorBoard scalars are written.</summary>
    /// <param name="context">The run.</param>
    /// <param name="epoch">The epoch's summary (also the last entry of <see cref="TrainingContext.History"/>).</param>
    /// <param name="validation">The full validation report (confusion matrix, per-class accuracy), or null without a validation set.</param>
    void OnEpochEnd(TrainingContext context, EpochRecord epoch, MetricsReport? validation)
    {
    }

    /// <summary>Called once at the end of a run that was not stopped by an exception (completed, early-stopped or cancelled).</summary>
    void OnRunEnd(TrainingContext context, RunResult result)
    {
    }
}
