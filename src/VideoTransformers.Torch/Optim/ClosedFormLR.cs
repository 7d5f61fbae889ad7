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
