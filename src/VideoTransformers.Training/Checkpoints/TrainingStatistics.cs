using VideoTransformers.Training.Configuration;
using VideoTransformers.Training.Runs;

namespace VideoTransformers.Training.Checkpoints;

/// <summary>Training statistics written next to each checkpoint and as <c>training_stats.json</c> in the run folder.</summary>
public sealed record TrainingStatistics
{
    /// <summary>How the run ended, or null while it is still running.</summary>
    public RunStatus? Status { get; init; }
    /// <summary>Epochs finished.</summary>
    public int CompletedEpochs { get; init; }
    /// <summary>Optimizer steps taken.</summary>
    public long GlobalStep { get; init; }
    /// <summary>The metric that picks the best checkpoint.</summary>
    public MonitorMetric CheckpointMetric { get; init; }
    /// <summary>The 1-based epoch of the best checkpoint, or null.</summary>
    public int? BestEpoch { get; init; }
    /// <summary>The best value of <see cref="CheckpointMetric"/>, or null.</summary>
    public double? BestMetric { get; init; }
    /// <summary>Wall-clock training seconds (validation included).</summary>
    public double TrainSeconds { get; init; }
    /// <summary>Trainable parameters of the model.</summary>
    public long ParameterCount { get; init; }
    /// <summary>Forward FLOPs per clip, when the model reports them.</summary>
    public long? FlopsPerClip { get; init; }
    /// <summary>Every finished epoch.</summary>
    public IReadOnlyList<EpochRecord> History { get; init; } = [];
}
