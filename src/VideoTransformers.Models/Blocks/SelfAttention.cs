using TorchSharp;
using static TorchSharp.torch;

namespace VideoTransformers.Blocks;

/// <summary>
/// Base of every self-attention layer a <see cref="TransformerBlock"/> can hold as its <c>attn</c>: multi-head
/// self-attention, ViViT model 4's factorised dot-product attention, window attention. A block built around any of
/// them keeps one set of parameter names (<c>norm1</c>, <c>attn</c>, <c>norm2</c>, <c>mlp</c>), and the attention maps of
/// any of them can be kept for visualisation.
/// </summary>
public abstract class SelfAttention : nn.Module<Tensor, Tensor>
{
    /// <summary>Creates the layer; <paramref name="dim"/> is the token dimension D of its input and output.</summary>
    protected SelfAttention(string name, long dim) : base(name)
    {
        if (dim <= 0) throw ThrowHelper.Config($"{name}: the token dimension must be positive, got {dim}.");
        Dim = dim;
    }

    /// <summary>Token dimension D.</summary>
    public long Dim { get; }

    /// <summary>
    /// Attends over the tokens of <paramref name="x"/> (shape [..., D], laid out as the layer documents) and returns the
    /// same shape. <paramref name="keyMask"/> hides keys in layers that support one; the others refuse a non-null mask.
    /// </summary>
    public abstract Tensor Attend(Tensor x, Tensor? keyMask);

    /// <summary>Attends without a key mask.</summary>
    public sealed override Tensor forward(Tensor x) => Attend(x, null);

    /// <summary>When true, <see cref="LastAttention"/> keeps the weights of the latest forward pass (for visualisation).</summary>
    public bool KeepAttention { get; set; }

    /// <summary>
    /// The attention weights of the latest forward pass while <see cref="KeepAttention"/> is set (detached), in the
    /// layer's own layout (for <see cref="MultiHeadSelfAttention"/>: [..., heads, N, N]).
    /// </summary>
    public Tensor? LastAttention { get; private set; }

    /// <summary>Keeps a detached copy of <paramref name="weights"/> as <see cref="LastAttention"/> when <see cref="KeepAttention"/> is set.</summary>
    protected void Keep(Tensor weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        if (!KeepAttention) return;
        LastAttention?.Dispose();
        LastAttention = weights.detach().DetachFromDisposeScope();
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            LastAttention?.Dispose();
            LastAttention = null;
        }
        base.Dispose(disposing);
    }
}
