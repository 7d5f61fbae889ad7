namespace VideoTransformers.Training.Runs;

/// <summary>A progress report, sent after every batch (see <see cref="Trainer.Fit"/>).</summary>
/// <param name="Phase">Training, validation or test.</param>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="Epochs">Epochs configured.</param>
/// <param name="Step">Batches done in this phase of this epoch.</param>
/// <param name="Steps">Batches in this phase of this epoch.</param>
/// <param name="GlobalStep">Optimizer steps taken so far in the run.</param>
/// <param name="TotalSteps">Optimizer steps the whole run takes if it is not stopped early.</param>
/// <param name="Loss">Running mean loss of this phase of this epoch.</param>
/// <param name="Accuracy">Running top-1 accuracy of this phase of this epoch.</param>
/// <param name="LearningRate">Current learning rate.</param>
/// <param name="ClipsPerSecond">Throughput of this phase of this epoch.</param>
/// <param name="Elapsed">Time since <see cref="Trainer.Fit"/> started.</param>
/// <param name="Eta">Estimated time to the end of training (from the mean step time so far), or null before the first step.</param>
public sealed record TrainingProgress(
    TrainingPhase Phase,
    int Epoch,
    int Epochs,
    int Step,
    int Steps,
    long GlobalStep,
    long TotalSteps,
    double Loss,
    double Accuracy,
    double LearningRate,
    double ClipsPerSecond,
    TimeSpan Elapsed,
    TimeSpan? Eta);
