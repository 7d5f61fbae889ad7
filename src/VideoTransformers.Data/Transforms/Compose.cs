using VideoTransformers.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace VideoTransformers.Data.Transforms;

/// <summary>Applies several transforms in order, all drawing from the same <see cref="Random"/>.</summary>
public sealed class Compose : ClipTransform
{
    /// <summary>Chains <paramref name="transforms"/>; the first one runs first.</summary>
    public Compose(params ClipTransform[] transforms)
    {
        ArgumentNullException.ThrowIfNull(transforms);
        foreach (var t in transforms) ArgumentNullException.ThrowIfNull(t, nameof(transforms));
        Transforms = transforms.ToArray();
    }

    /// <summary>The transforms in application order.</summary>
    public IReadOnlyList<ClipTransform> Transforms { get; }

    /// <inheritdoc />
    public override Tensor Apply(Tensor clip, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (Transforms.Count == 0) return clip;
        // Intermediates die with the inner scope; only the final result reaches the caller's scope.
        using var scope = NewDisposeScope();
        var x = clip;
        foreach (var t in Transforms) x = t.Apply(x, random);
        return ReferenceEquals(x, clip) ? clip : x.MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public override string ToString() => "Compose(" + string.Join(", ", Transforms) + ")";
}
