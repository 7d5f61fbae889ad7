using VideoTransformers.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace VideoTransformers.Data.Transforms;

/// <summary>Standardises each channel: <c>(x - mean[c]) / std[c]</c>, broadcast over time and space.</summary>
public sealed class Normalize : ClipTransform
{
    private readonly float[] _mean;
    private readonly float[] _std;

    /// <summary>Creates the transform with one mean and one standard deviation per channel.</summary>
    public Normalize(IReadOnlyList<float> mean, IReadOnlyList<float> std)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(std);
        if (mean.Count == 0 || mean.Count != std.Count)
            throw new ArgumentException($"Normalize needs one mean and one std per channel; got {mean.Count} means and {std.Count} stds.");
        if (std.Any(s => !(s > 0) || float.IsInfinity(s)))
            throw new ArgumentOutOfRangeException(nameof(std), "Every standard deviation must be positive and finite.");
        _mean = mean.ToArray();
        _std = std.ToArray();
    }

    /// <summary>ImageNet's RGB statistics, the usual choice for models pretrained on it.</summary>
    public static Normalize ImageNet() => new([0.485f, 0.456f, 0.406f], [0.229f, 0.224f, 0.225f]);

    /// <summary>Per-channel means.</summary>
    public IReadOnlyList<float> Mean => _mean;

    /// <summary>Per-channel standard deviations.</summary>
    public IReadOnlyList<float> Std => _std;

    /// <summary>Normalises; the random source is not used.</summary>
    /// <exception cref="ArgumentException">The clip's channel count differs from the statistics'.</exception>
    public override Tensor Apply(Tensor clip, Random random)
    {
        var shape = CheckClip(clip);
        if (shape[1] != _mean.Length)
            throw new ArgumentException($"Normalize has statistics for {_mean.Length} channels but the clip has {shape[1]}.", nameof(clip));
        using var scope = NewDisposeScope();
        var mean = tensor(_mean, [1, _mean.Length, 1, 1]).to(clip.dtype, clip.device);
        var std = tensor(_std, [1, _std.Length, 1, 1]).to(clip.dtype, clip.device);
        return clip.sub(mean).div(std).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public override string ToString() => $"Normalize(mean=[{string.Join(", ", _mean)}], std=[{string.Join(", ", _std)}])";
}
