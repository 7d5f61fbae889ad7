using TorchSharp;

namespace VideoTransformers.Torch.Optim;

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
