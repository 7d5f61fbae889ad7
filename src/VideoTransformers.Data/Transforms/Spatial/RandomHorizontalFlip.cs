using VideoTransformers.Torch;
using static TorchSharp.torch;

namespace VideoTransformers.Data.Transforms;

/// <summary>Mirrors every frame of a clip left to right with probability <see cref="P"/> (the KTH FrameViT study: 0.5).</summary>
public sealed class RandomHorizontalFlip : ClipTransform
{
    /// <summary>Creates the transform.</summary>
    /// <param name="p">Probability of flipping, in [0, 1].</param>
    public RandomHorizontalFlip(double p = 0.5)
    {
        P = CheckProbability(p);
    }

    /// <summary>Probability of flipping.</summary>
    public double P { get; }

    /// <summary>Flips with probability <see cref="P"/>; one draw from <paramref name="random"/> either way.</summary>
    public override Tensor Apply(Tensor clip, Random random)
    {
        CheckClip(clip);
        ArgumentNullException.ThrowIfNull(random);
        return random.NextDouble() < P ? clip.flip(3) : clip;
    }

    /// <inheritdoc />
    public override string ToString() => $"RandomHorizontalFlip(p={P})";
}
