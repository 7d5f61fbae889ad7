using VideoTransformers.Torch;
using static TorchSharp.torch;

namespace VideoTransformers.Data.Transforms;

/// <summary>
/// One view made by a deterministic <see cref="ClipTransform"/> (e.g. <see cref="CenterCrop"/>), or the clip itself.
/// The wrapped transform gets a <see cref="Random"/> with a fixed seed, so even a random one gives the same view every time.
/// </summary>
public sealed class SingleView : MultiViewTransform
{
    /// <summary>Wraps <paramref name="transform"/>; null passes the clip through unchanged.</summary>
    public SingleView(ClipTransform? transform = null)
    {
        Transform = transform;
    }

    /// <summary>The wrapped transform, or null.</summary>
    public ClipTransform? Transform { get; }

    /// <inheritdoc />
    public override int ViewCount => 1;

    /// <inheritdoc />
    public override Tensor[] Apply(Tensor clip)
    {
        CheckClip(clip);
        return [Transform is null ? clip : Transform.Apply(clip, new Random(0))];
    }

    /// <inheritdoc />
    public override string ToString() => $"SingleView({Transform?.ToString() ?? "identity"})";
}
