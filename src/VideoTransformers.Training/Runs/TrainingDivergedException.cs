using System.Globalization;

namespace VideoTransformers.Training.Runs;

/// <summary>
/// The loss (or the gradient norm, or a weight) became NaN or infinite. Training stops at once and writes no
/// checkpoint, so the last good one on disk is left exactly as it was.
/// </summary>
public sealed class TrainingDivergedException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="epoch">1-based epoch.</param>
    /// <param name="step">1-based step within the epoch (0 when the problem was found after the epoch).</param>
    /// <param name="globalStep">1-based optimizer step in the run.</param>
    /// <param name="quantity">What was not finite, e.g. "training loss".</param>
    /// <param name="value">Its value.</param>
    /// <param name="lastGoodCheckpoint">The checkpoint left untouched, or null when none was written yet.</param>
    public TrainingDivergedException(int epoch, int step, long globalStep, string quantity, double value, string? lastGoodCheckpoint)
        : base(Format(epoch, step, globalStep, quantity, value, lastGoodCheckpoint))
    {
        Epoch = epoch;
        Step = step;
        GlobalStep = globalStep;
        Quantity = quantity;
        Value = value;
        LastGoodCheckpoint = lastGoodCheckpoint;
    }

    /// <summary>1-based epoch.</summary>
    public int Epoch { get; }
    /// <summary>1-based step within the epoch (0 when found after the epoch's steps).</summary>
    public int Step { get; }
    /// <summary>1-based optimizer step in the run.</summary>
    public long GlobalStep { get; }
    /// <summary>What was not finite.</summary>
    public string Quantity { get; }
    /// <summary>Its value (NaN or ±Infinity).</summary>
    public double Value { get; }
    /// <summary>The checkpoint that was left untouched, or null.</summary>
    public string? LastGoodCheckpoint { get; }

    private static string Format(int epoch, int step, long globalStep, string quantity, double value, string? checkpoint)
    {
        var at = step > 0
            ? $"epoch {epoch.ToString(CultureInfo.InvariantCulture)}, step {step.ToString(CultureInfo.InvariantCulture)} (global step {globalStep.ToString(CultureInfo.InvariantCulture)})"
            : $"the end of epoch {epoch.ToString(CultureInfo.InvariantCulture)}";
        var kept = checkpoint is null ? "No checkpoint had been written yet." : $"The last good checkpoint '{checkpoint}' was left untouched.";
        return $"Training diverged: the {quantity} is {value.ToString(CultureInfo.InvariantCulture)} at {at}. {kept} " +
               "Try a lower learning rate, gradient clipping (grad_clip_norm) or a warmup, and check the inputs for NaN.";
    }
}
