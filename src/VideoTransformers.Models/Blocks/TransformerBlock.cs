using VideoTransformers.Torch;
using TorchSharp;
using TorchSharp.Modules;
using TransformerEncoder = VideoTransformers.Blocks.TransformerEncoder;
using static TorchSharp.torch;

namespace VideoTransformers.Blocks;

/// <summary>
/// A transformer block over tokens [..., N, D]. Pre-norm (ViT): x += DropPath(Attn(LN₁ x)); x += DropPath(MLP(LN₂ x)).
/// Post-norm (BERT): x = LN₁(x + Attn x); x = LN₂(x + MLP x). The attention is multi-head self-attention unless another
/// <see cref="SelfAttention"/> is given (ViViT model 4 passes <see cref="FactorisedDotProductAttention"/>, the
/// shifted-window variant its window attention over [B, T, H, W, D]); the block works on any layout [..., D] its attention
/// takes. Parameters: <c>norm1</c>, <c>attn</c>, <c>norm2</c>, <c>mlp</c>.
/// </summary>
public sealed class TransformerBlock : nn.Module<Tensor, Tensor>
{
    private readonly LayerNorm norm1;
    private readonly SelfAttention attn;
    private readonly LayerNorm norm2;
    private readonly Mlp mlp;
    private readonly DropPath drop_path;

    /// <summary>Creates the block; <paramref name="attention"/> builds its attention layer (multi-head self-attention by default).</summary>
    public TransformerBlock(TransformerOptions o, bool preNorm = true, Func<TransformerOptions, SelfAttention>? attention = null) : base(nameof(TransformerBlock))
    {
        ArgumentNullException.ThrowIfNull(o);
        Options = o;
        PreNorm = preNorm;
        norm1 = nn.LayerNorm(o.Dim, o.LayerNormEps);
        attn = attention?.Invoke(o) ?? new MultiHeadSelfAttention(o.Dim, o.Heads, o.AttnDim, o.AttnDropout, o.Dropout, o.QkvBias);
        if (attn.Dim != o.Dim) throw ThrowHelper.Config($"The attention layer works on dimension {attn.Dim}, the block on {o.Dim}.");
        norm2 = nn.LayerNorm(o.Dim, o.LayerNormEps);
        mlp = new Mlp(o.Dim, o.MlpDim, o.Dropout, o.Gelu);
        drop_path = new DropPath(o.DropPath);
        RegisterComponents();
    }

    /// <summary>The block's hyper-parameters.</summary>
    public TransformerOptions Options { get; }
    /// <summary>Pre-norm (true) or post-norm (false).</summary>
    public bool PreNorm { get; }
    /// <summary>The attention layer (e.g. to keep and read its maps).</summary>
    public SelfAttention Attention => attn;

    /// <inheritdoc />
    public override Tensor forward(Tensor x) => forward(x, null);

    /// <summary>Runs the block; <paramref name="keyMask"/> hides padded tokens (see <see cref="MultiHeadSelfAttention"/>).</summary>
    public Tensor forward(Tensor x, Tensor? keyMask)
    {
        var s = x.shape;
        if (s.Length < 2 || s[^1] != Options.Dim)
            throw new ArgumentException($"TransformerBlock expected tokens [..., N, {Options.Dim}], got {Shapes.Format(s)}.");
        ThrowHelper.CheckInput(this, x, nameof(TransformerBlock), $"[..., N, {Options.Dim}]");
        using var scope = NewDisposeScope();
        Tensor y;
        if (PreNorm)
        {
            y = x + drop_path.forward(attn.Attend(norm1.forward(x), keyMask));
            y = y + drop_path.forward(mlp.forward(norm2.forward(y)));
        }
        else
        {
            y = norm1.forward(x + drop_path.forward(attn.Attend(x, keyMask)));
            y = norm2.forward(y + drop_path.forward(mlp.forward(y)));
        }
        return scope.MoveToOuter(y);
    }
}
