using VideoTransformers.Torch;
using static TorchSharp.torch;

namespace VideoTransformers.Data.Transforms;

/// <summary>
/// Mirrors a volume <c>[D, C, H, W]</c> along each spatial axis (depth, height, width) independently, each with
/// probability <see cref="P"/>. Meant for 3-D medical data such as MedMNIST, whose orientation carries no label.
/// </summary>
public sealed class RandomVolumeFlip : ClipTransform
{
    /// <summary>Creates the transform.</summary>
    /// <param name="p">Probability of flipping each axis, in [0, 1].</param>
    public RandomVolumeFlip(double p = 0.5)
    {
        P = CheckProbability(p);
    }

    /// <summary>Probability of flipping each axis.</summary>
    public double P { get; }

    /// <summary>The axes of <c>[D, C, H, W]</c> that one application flips (three draws from <paramref name="random"/>, depth first).</summary>
    public long[] DrawAxes(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var axes = new List<long>(3);
        foreach (var axis in (ReadOnlySpan<long>)[0, 2, 3])
            if (random.NextDouble() < P) axes.Add(axis);
        return axes.ToArray();
    }

    /// <inheritdoc />
    public override Tensor Apply(Tensor clip, Random random)
    {
        CheckClip(clip);
        var axes = DrawAxes(random);
        return axes.Length == 0 ? clip : clip.flip(axes);
    }

    /// <inheritdoc />
    public override string ToString() => $"RandomVolumeFlip(p={P} per axis)";
}
