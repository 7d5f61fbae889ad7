namespace VideoTransformers.Training.Checkpoints;

/// <summary>The running sums of an epoch interrupted after some steps, so that its metrics survive a resume.</summary>
/// <param name="LossSum">Sum over samples of the training loss.</param>
/// <param name="Correct">Correctly classified samples.</param>
/// <param name="Samples">Samples seen.</param>
/// <param name="Seconds">Training seconds spent in the epoch so far.</param>
public sealed record PartialEpoch(double LossSum, long Correct, long Samples, double Seconds);
