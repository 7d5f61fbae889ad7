using TorchSharp;

namespace VideoTransformers.Torch.Optim;

/// <summary>
/// Linear warmup from <c>warmup_start_factor × initial_lr</c> over <c>warmup_steps</c>, then cosine decay to
/// <c>min_lr</c> at <c>total_steps</c> (the ViT/ViViT recipe; stepped once per optimizer step).
/// </summary>
public sealed class CosineWithWarmup : ClosedFormLR
{
    /// <summary>Creates the schedule and applies step 0.</summary>
    public CosineWithWarmup(torch.optim.Optimizer optimizer, long warmup_steps, long total_steps, double min_lr = 0, double warmup_start_factor = 0.0) : base(optimizer)
    {
        if (total_steps <= 0 || warmup_steps < 0 || warmup_steps > total_steps)
            throw new ArgumentOutOfRangeException(nameof(total_steps), "need 0 <= warmup_steps <= total_steps and total_steps > 0");
        WarmupSteps = warmup_steps;
        TotalSteps = total_steps;
        MinLr = min_lr;
        WarmupStartFactor = warmup_start_factor;
        Apply();
    }

    /// <summary>Steps of linear warmup.</summary>
    public long WarmupSteps { get; }

    /// <summary>Steps until the cosine reaches <see cref="MinLr"/>.</summary>
    public long TotalSteps { get; }

    /// <summary>The final learning rate.</summary>
    public double MinLr { get; }

    /// <summary>The warmup's starting fraction of the initial rate.</summary>
    public double WarmupStartFactor { get; }

    /// <inheritdoc />
    protected override double LearningRate(double initialLr, long epoch)
    {
        if (epoch < WarmupSteps)
            return initialLr * (WarmupStartFactor + (1 - WarmupStartFactor) * epoch / WarmupSteps);
        var span = Math.Max(1, TotalSteps - WarmupSteps);
        var t = Math.Min(epoch - WarmupSteps, span);
        return MinLr + (initialLr - MinLr) * (1 + Math.Cos(Math.PI * t / span)) / 2;
    }
}
