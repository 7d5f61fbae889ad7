namespace VideoTransformers.Training.Runs;

/// <summary>The summary of one finished epoch (a row of <c>metrics.csv</c> and of the history in results).</summary>
/// <param name="Epoch">1-based epoch number.</param>
/// <param name="GlobalStep">Optimizer steps taken by the end of the epoch.</param>
/// <param name="LearningRate">Learning rate of the first group at the epoch's last step.</param>
/// <param name="TrainLoss">Mean training loss (with label smoothing, as optimised) over the epoch's samples.</param>
/// <param name="TrainAccuracy">Top-1 accuracy of the training batches as they were seen (dropout on, weights moving).</param>
/// <param name="ValLoss">Validation loss (never smoothed), or null without a validation set.</param>
/// <param name="ValAccuracy">Validation top-1 accuracy.</param>
/// <param name="ValTop5">Validation top-5 accuracy when there are more than 5 classes.</param>
/// <param name="ValAuc">Validation ROC AUC: binary for two classes, macro one-vs-rest otherwise; NaN when undefined.</param>
/// <param name="Seconds">Wall-clock seconds of the epoch, validation included.</param>
/// <param name="ClipsPerSecond">Training throughput of the epoch.</param>
public sealed record EpochRecord(
    int Epoch,
    long GlobalStep,
    double LearningRate,
    double TrainLoss,
    double TrainAccuracy,
    double? ValLoss,
    double? ValAccuracy,
    double? ValTop5,
    double? ValAuc,
    double Seconds,
    double ClipsPerSecond);
