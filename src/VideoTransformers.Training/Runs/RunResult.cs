using VideoTransformers.Training.Configuration;
using VideoTransformers.Training.Metrics;

namespace VideoTransformers.Training.Runs;

/// <summary>The outcome of <see cref="Trainer.Fit"/>; the CLI turns it into results.json.</summary>
public sealed record RunResult
{
    /// <summary>How the run ended.</summary>
    public required RunStatus Status { get; init; }
    /// <summary>Every finished epoch, including those before a resume.</summary>
    public required IReadOnlyList<EpochRecord> History { get; init; }
    /// <summary>Epochs finished.</summary>
    public int CompletedEpochs { get; init; }
    /// <summary>Optimizer steps taken.</summary>
    public long GlobalStep { get; init; }
    /// <summary>The metric that picked the best checkpoint (the training loss or accuracy stands in without validation).</summary>
    public MonitorMetric CheckpointMetric { get; init; }
    /// <summary>1-based epoch of the best checkpoint, or null when no epoch finished.</summary>
    public int? BestEpoch { get; init; }
    /// <summary>The best value of <see cref="CheckpointMetric"/>, or null.</summary>
    public double? BestMetric { get; init; }
    /// <summary>The validation report of the last finished epoch of this call, or null.</summary>
    public MetricsReport? LastValidation { get; init; }
    /// <summary>The test report (of the best weights when <see cref="TrainerOptions.RestoreBestWeights"/>), or null.</summary>
    public MetricsReport? Test { get; init; }
    /// <summary>Wall-clock training seconds over all finished epochs (and a partial one), validation included.</summary>
    public double TrainSeconds { get; init; }
    /// <summary>Trainable parameters.</summary>
    public long ParameterCount { get; init; }
    /// <summary>Forward FLOPs per clip.</summary>
    public long FlopsPerClip { get; init; }
    /// <summary>The run folder.</summary>
    public required string RunDirectory { get; init; }
    /// <summary>The best checkpoint's tensors, or null when none was written.</summary>
    public string? BestCheckpoint { get; init; }
    /// <summary>The last checkpoint's tensors, or null when none was written.</summary>
    public string? LastCheckpoint { get; init; }
    /// <summary>True when this call resumed from a checkpoint.</summary>
    public bool Resumed { get; init; }
}
