namespace VideoTransformers.Training.Runs;

/// <summary>The saved state of a <see cref="MetricTracker"/>.</summary>
/// <param name="Best">The best value so far, or null before the first.</param>
/// <param name="BestEpoch">The 1-based epoch of <paramref name="Best"/>.</param>
/// <param name="EpochsWithoutImprovement">Epochs since the last improvement.</param>
public sealed record MetricTrackerState(double? Best, int? BestEpoch, int EpochsWithoutImprovement);
