using VideoTransformers.Training.Runs;

namespace VideoTransformers.Training.Checkpoints;

/// <summary>
/// Everything besides tensors that a resumed run needs to continue exactly where it stopped. Stored as strings in the
/// safetensors <c>__metadata__</c> of a checkpoint (see <see cref="Checkpoint"/>).
/// </summary>
public sealed record CheckpointState
{
    /// <summary>Epochs finished, validation and checkpointing included; also the 0-based index of the epoch to run next.</summary>
    public int CompletedEpochs { get; init; }

    /// <summary>Steps already taken in epoch <see cref="CompletedEpochs"/>; 0 at an epoch boundary, more after a cancel mid-epoch.</summary>
    public int StepInEpoch { get; init; }

    /// <summary>Optimizer steps taken in the run.</summary>
    public long GlobalStep { get; init; }

    /// <summary>The learning-rate scheduler position last applied (an epoch or a global step, by schedule).</summary>
    public long SchedulerEpoch { get; init; }

    /// <summary>Batches per training epoch when the checkpoint was written; a resume with another count cannot be exact.</summary>
    public int StepsPerEpoch { get; init; }

    /// <summary>The run's torch seed.</summary>
    public long Seed { get; init; }

    /// <summary>The run's data seed.</summary>
    public int DataSeed { get; init; }

    /// <summary>The tracker of the checkpoint metric (the best checkpoint's value and epoch).</summary>
    public MetricTrackerState Best { get; init; } = new(null, null, 0);

    /// <summary>The tracker of the early-stopping metric.</summary>
    public MetricTrackerState Monitor { get; init; } = new(null, null, 0);

    /// <summary>Sums of the interrupted epoch when <see cref="StepInEpoch"/> &gt; 0.</summary>
    public PartialEpoch? Partial { get; init; }

    /// <summary>Every finished epoch so far.</summary>
    public IReadOnlyList<EpochRecord> History { get; init; } = [];

    /// <summary>Wall-clock seconds of all finished epochs and of the partial one.</summary>
    public double TrainSeconds { get; init; }
}
