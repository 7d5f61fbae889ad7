using TorchSharp;

namespace VideoTransformers.Torch.Optim;

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
