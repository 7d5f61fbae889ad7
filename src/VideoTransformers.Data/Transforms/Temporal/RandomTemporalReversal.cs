using VideoTransformers.Torch;
using static TorchSharp.torch;

namespace VideoTransformers.Data.Transforms;

/// <summary>
/// Plays a clip backwards (reverses the time axis) with probability <see cref="P"/> (default 0.3).
/// </summary>
/// <remarks>
/// Only use this where the order of frames does not define the class (most KTH and UCF101 actions look alike
/// played either way, and a volume's depth axis has no direction). It is label-changing on
/// <see cref="Datasets.SyntheticMotion"/>: each of its <see cref="Datasets.SyntheticMotion.ReversalPairs"/> is one
/// class and the same clip played backwards (left/right, up/down, grow/shrink, clockwise/counter-clockwise), so
/// reversing a clip there turns it into a sample of the paired class while keeping the old label.
/// </remarks>
public sealed class RandomTemporalReversal : ClipTransform
{
    /// <summary>Creates the transform.</summary>
    /// <param name="p">Probability of reversing, in [0, 1].</param>
    public RandomTemporalReversal(double p = 0.3)
    {
        P = CheckProbability(p);
    }

    /// <summary>Probability of reversing.</summary>
    public double P { get; }

    /// <summary>Reverses with probability <see cref="P"/>; one draw from <paramref name="random"/> either way.</summary>
    public override Tensor Apply(Tensor clip, Random random)
    {
        CheckClip(clip);
        ArgumentNullException.ThrowIfNull(random);
        return random.NextDouble() < P ? clip.flip(0) : clip;
    }

    /// <inheritdoc />
    public override string ToString() => $"RandomTemporalReversal(p={P})";
}
