using VideoTransformers.Torch;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VideoTransformers.Blocks;

/// <summary>
/// Stochastic depth: in training, drops the whole residual branch of a sample with probability p and scales the
/// kept ones by 1/(1-p); the identity in evaluation.
/// </summary>
public sealed class DropPath : nn.Module<Tensor, Tensor>
{
    /// <summary>Creates the layer.</summary>
    public DropPath(double p) : base(nameof(DropPath))
    {
        if (p < 0 || p >= 1) throw ThrowHelper.Config($"Drop-path probability must be in [0, 1), got {p}.");
        P = p;
    }

    /// <summary>Drop probability.</summary>
    public double P { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor x)
    {
        if (!training || P == 0) return x.alias();
        using var scope = NewDisposeScope();
        return scope.MoveToOuter(Apply(x, Keep(x)));
    }

    /// <summary>
    /// Drops the same samples of <paramref name="a"/> and <paramref name="b"/> (equal first dimension): one residual
    /// branch computed in two parts. Draws the mask as <see cref="forward(Tensor)"/> does for one tensor of that batch.
    /// </summary>
    internal (Tensor a, Tensor b) forward(Tensor a, Tensor b)
    {
        if (a.size(0) != b.size(0))
            throw new ArgumentException($"DropPath expected two parts of one batch, got first dimensions {a.size(0)} and {b.size(0)}.");
        if (!training || P == 0) return (a.alias(), b.alias());
        using var scope = NewDisposeScope();
        var keep = Keep(a);
        var (ra, rb) = (Apply(a, keep), Apply(b, keep));
        scope.MoveToOuter(ra, rb);
        return (ra, rb);
    }

    // One Bernoulli draw per sample of the batch.
    private Tensor Keep(Tensor x) => empty(new[] { x.size(0) }, x.dtype, x.device).bernoulli_(1 - P);

    // Scales the kept samples' branches by 1/(1-p) and zeroes the others, the mask broadcast over every other dimension.
    private Tensor Apply(Tensor x, Tensor keep)
    {
        var shape = new long[x.dim()];
        Array.Fill(shape, 1L);
        shape[0] = x.size(0);
        return x / (1 - P) * keep.reshape(shape);
    }
}
