using VideoTransformers.Training.Configuration;

namespace VideoTransformers.Training.Runs;

/// <summary>
/// Follows one metric across epochs: its best value, the epoch of that value, and the epochs since it last improved.
/// It drives both early stopping and the choice of the best checkpoint.
/// </summary>
public sealed class MetricTracker
{
    /// <summary>Creates a tracker; an improvement must beat the best by more than <paramref name="minDelta"/>.</summary>
    public MetricTracker(MetricMode mode, double minDelta = 0, MetricTrackerState? state = null)
    {
        if (!(minDelta >= 0)) throw new ArgumentOutOfRangeException(nameof(minDelta), minDelta, "min delta must be >= 0");
        Mode = mode;
        MinDelta = minDelta;
        if (state is null) return;
        Best = state.Best;
        BestEpoch = state.BestEpoch;
        EpochsWithoutImprovement = state.EpochsWithoutImprovement;
    }

    /// <summary>Whether lower or higher is better.</summary>
    public MetricMode Mode { get; }
    /// <summary>The margin an improvement must exceed.</summary>
    public double MinDelta { get; }
    /// <summary>The best value so far, or null.</summary>
    public double? Best { get; private set; }
    /// <summary>The 1-based epoch of <see cref="Best"/>, or null.</summary>
    public int? BestEpoch { get; private set; }
    /// <summary>Epochs since the last improvement.</summary>
    public int EpochsWithoutImprovement { get; private set; }

    /// <summary>The state to save in a checkpoint.</summary>
    public MetricTrackerState State => new(Best, BestEpoch, EpochsWithoutImprovement);

    /// <summary>
    /// Records the value of <paramref name="epoch"/> and returns true when it is a new best. NaN (an undefined AUC, say)
    /// never improves.
    /// </summary>
    public bool Update(double value, int epoch)
    {
        var improved = !double.IsNaN(value) && (Best is not { } best || (Mode == MetricMode.Min ? value < best - MinDelta : value > best + MinDelta));
        if (improved)
        {
            Best = value;
            BestEpoch = epoch;
            EpochsWithoutImprovement = 0;
        }
        else EpochsWithoutImprovement++;
        return improved;
    }
}
