using TorchSharp;

namespace VideoTransformers.Torch.Optim;

/// <summary>
/// A learning-rate schedule whose rate is a closed form of the epoch (or step) count: every group's rate is
/// <c>f(initial_lr, last_epoch)</c>. Resuming therefore needs only <see cref="last_epoch"/>, not the history of
/// rates that TorchSharp's recursive schedulers carry. Works over any TorchSharp optimizer.
/// </summary>
public abstract class ClosedFormLR
{
    private readonly double[] _initial;

    /// <summary>Creates the schedule; each group's current learning rate becomes its initial learning rate.</summary>
    protected ClosedFormLR(torch.optim.Optimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        Optimizer = optimizer;
        _initial = optimizer.ParamGroups.Select(g => g.LearningRate).ToArray();
    }

    /// <summary>The optimizer whose learning rates this schedule sets.</summary>
    public torch.optim.Optimizer Optimizer { get; }

    /// <summary>The number of <see cref="step"/> calls so far (or the epoch set by <see cref="set_epoch"/>).</summary>
    public long last_epoch { get; private set; }

    /// <summary>Each group's learning rate at epoch 0, taken when the schedule was created.</summary>
    public IReadOnlyList<double> initial_lrs => _initial;

    /// <summary>The learning rate of a group whose initial rate is <paramref name="initialLr"/>, at <paramref name="epoch"/>.</summary>
    protected abstract double LearningRate(double initialLr, long epoch);

    /// <summary>Advances one epoch (or step) and writes the new learning rates.</summary>
    public void step()
    {
        last_epoch++;
        Apply();
    }

    /// <summary>Jumps to an epoch (for resume) and writes its learning rates.</summary>
    public void set_epoch(long epoch)
    {
        if (epoch < 0) throw new ArgumentOutOfRangeException(nameof(epoch), epoch, "The epoch must not be negative.");
        last_epoch = epoch;
        Apply();
    }

    /// <summary>The current learning rate of each group.</summary>
    public double[] get_last_lr() => Optimizer.ParamGroups.Select(g => g.LearningRate).ToArray();

    /// <summary>Writes the learning rates for <see cref="last_epoch"/>.</summary>
    protected void Apply()
    {
        var i = 0;
        foreach (var g in Optimizer.ParamGroups)
        {
            if (i >= _initial.Length)
                throw new InvalidOperationException("A parameter group was added to the optimizer after its learning-rate schedule was created.");
            g.LearningRate = LearningRate(_initial[i++], last_epoch);
        }
    }
}

/// <summary>Multiplies the learning rate by <c>gamma</c> every <c>step_size</c> epochs (torch.optim.lr_scheduler.StepLR).</summary>
public sealed class StepLR : ClosedFormLR
{
    /// <summary>Creates the schedule and applies epoch 0.</summary>
    public StepLR(torch.optim.Optimizer optimizer, long step_size, double gamma = 0.1) : base(optimizer)
    {
        if (step_size <= 0) throw new ArgumentOutOfRangeException(nameof(step_size), step_size, "step_size must be positive");
        StepSize = step_size;
        Gamma = gamma;
        Apply();
    }

    /// <summary>Epochs between decays.</summary>
    public long StepSize { get; }

    /// <summary>Decay factor.</summary>
    public double Gamma { get; }

    /// <inheritdoc />
    protected override double LearningRate(double initialLr, long epoch) => initialLr * Math.Pow(Gamma, epoch / StepSize);
}

/// <summary>Cosine annealing from the initial rate to <c>eta_min</c> over <c>T_max</c> epochs (torch.optim.lr_scheduler.CosineAnnealingLR).</summary>
public sealed class CosineAnnealingLR : ClosedFormLR
{
    /// <summary>Creates the schedule and applies epoch 0.</summary>
    public CosineAnnealingLR(torch.optim.Optimizer optimizer, long T_max, double eta_min = 0) : base(optimizer)
    {
        if (T_max <= 0) throw new ArgumentOutOfRangeException(nameof(T_max), T_max, "T_max must be positive");
        TMax = T_max;
        EtaMin = eta_min;
        Apply();
    }

    /// <summary>Half period in epochs.</summary>
    public long TMax { get; }

    /// <summary>The minimum learning rate.</summary>
    public double EtaMin { get; }

    // No clamping at T_max: PyTorch's CosineAnnealingLR keeps following the cosine.
    /// <inheritdoc />
    protected override double LearningRate(double initialLr, long epoch) =>
        EtaMin + (initialLr - EtaMin) * (1 + Math.Cos(Math.PI * epoch / TMax)) / 2;
}

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
