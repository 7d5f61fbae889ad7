namespace VideoTransformers.Training.Runs;

/// <summary>What one training step produced: on this process before a data-parallel step combines the ranks, or for the whole global batch after.</summary>
/// <param name="Loss">The mean loss of the batch (0 for an empty slice).</param>
/// <param name="Correct">How many clips were classified correctly.</param>
/// <param name="Size">How many clips the batch held.</param>
/// <param name="CancelRequested">Whether a cancel was asked for before the step (on any rank, once combined).</param>
internal readonly record struct StepOutcome(double Loss, long Correct, int Size, bool CancelRequested);
