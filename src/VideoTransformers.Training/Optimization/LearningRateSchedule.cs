using VideoTransformers.Training.Configuration;
using VideoTransformers.Torch.Optim;
using TorchSharp;
using static TorchSharp.torch;

namespace VideoTransformers.Training.Optimization;

/// <summary>
/// The learning-rate schedule of a run as a function of where training stands: StepLR moves per epoch, cosine with
/// warmup per optimizer step. The trainer calls <see cref="Apply"/> before every step with the current (epoch,
/// global step), so the rate never depends on how many times a scheduler was stepped, and a resumed run gets exactly
/// the rates of an uninterrupted one.
/// </summary>
public sealed class LearningRateSchedule
{
    private readonly optim.Optimizer _optimizer;

    private LearningRateSchedule(optim.Optimizer optimizer, ClosedFormLR? scheduler, bool perStep)
    {
        _optimizer = optimizer;
        Scheduler = scheduler;
        PerStep = perStep;
    }

    /// <summary>The underlying closed-form scheduler, or null for a constant rate.</summary>
    public ClosedFormLR? Scheduler { get; }

    /// <summary>True when the schedule advances per optimizer step rather than per epoch.</summary>
    public bool PerStep { get; }

    /// <summary>The scheduler position last applied (global step or epoch).</summary>
    public long Position { get; private set; }

    /// <summary>The current learning rate of the first group.</summary>
    public double CurrentLearningRate => _optimizer.ParamGroups.First().LearningRate;

    /// <summary>
    /// Creates the schedule of <paramref name="config"/> for an epoch of <paramref name="stepsPerEpoch"/> optimizer steps.
    /// <paramref name="config"/> is taken as valid (<see cref="TrainingConfig.Problems"/> empty), as the trainer and
    /// <see cref="OptimizerFactory"/> ensure; the schedule does not check it again.
    /// </summary>
    public static LearningRateSchedule Create(TrainingConfig config, optim.Optimizer optimizer, int stepsPerEpoch)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentOutOfRangeException.ThrowIfLessThan(stepsPerEpoch, 1);
        // The schedulers take each group's current rate as its initial one: start them from the configured rates even
        // when an earlier run or schedule on this optimizer left others behind.
        foreach (var g in optimizer.ParamGroups) g.LearningRate = g.InitialLearningRate;
        switch (config.Schedule)
        {
            case ScheduleKind.None:
                return new LearningRateSchedule(optimizer, null, false);
            case ScheduleKind.Step:
                return new LearningRateSchedule(optimizer, new StepLR(optimizer, config.StepSize, config.Gamma), false);
            case ScheduleKind.Cosine:
                var total = (long)config.Epochs * stepsPerEpoch;
                var warmup = config.WarmupSteps ?? (long)Math.Round(config.WarmupEpochs * stepsPerEpoch);
                warmup = Math.Min(warmup, total);
                return new LearningRateSchedule(optimizer,
                    new CosineWithWarmup(optimizer, warmup, total, config.MinLr, config.WarmupStartFactor), true);
            default:
                throw new ArgumentOutOfRangeException(nameof(config), config.Schedule, "unknown schedule");
        }
    }

    /// <summary>Sets the learning rates for the step about to run: epoch (0-based) and global step (0-based).</summary>
    public void Apply(int epoch, long globalStep)
    {
        Position = PerStep ? globalStep : epoch;
        if (Scheduler is not null) Scheduler.set_epoch(Position);
        else
            foreach (var g in _optimizer.ParamGroups) g.LearningRate = g.InitialLearningRate;
    }
}
