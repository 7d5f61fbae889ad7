using VideoTransformers.Torch;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VideoTransformers.Blocks;

/// <summary>
/// ViViT model 3 block (factorised self-attention) over [B, T, S, D]: spatial attention among the S tokens of each
/// frame, then temporal attention among the T tokens at each position, then the MLP, each pre-norm with a residual.
/// Parameters: <c>norm_s</c>, <c>attn_s</c>, <c>norm_t</c>, <c>attn_t</c>, <c>norm2</c>, <c>mlp</c>.
/// </summary>
public sealed class FactorisedSelfAttentionBlock : nn.Module<Tensor, Tensor>
{
    private readonly LayerNorm norm_s;
    private readonly MultiHeadSelfAttention attn_s;
    private readonly LayerNorm norm_t;
    private readonly MultiHeadSelfAttention attn_t;
    private readonly LayerNorm norm2;
    private readonly Mlp mlp;
    private readonly DropPath drop_path;

    /// <summary>Creates the block.</summary>
    public FactorisedSelfAttentionBlock(TransformerOptions o) : base(nameof(FactorisedSelfAttentionBlock))
    {
        Options = o;
        norm_s = nn.LayerNorm(o.Dim, o.LayerNormEps);
        attn_s = new MultiHeadSelfAttention(o.Dim, o.Heads, o.AttnDim, o.AttnDropout, o.Dropout, o.QkvBias);
        norm_t = nn.LayerNorm(o.Dim, o.LayerNormEps);
        attn_t = new MultiHeadSelfAttention(o.Dim, o.Heads, o.AttnDim, o.AttnDropout, o.Dropout, o.QkvBias);
        norm2 = nn.LayerNorm(o.Dim, o.LayerNormEps);
        mlp = new Mlp(o.Dim, o.MlpDim, o.Dropout, o.Gelu);
        drop_path = new DropPath(o.DropPath);
        RegisterComponents();
    }

    /// <summary>The block's hyper-parameters.</summary>
    public TransformerOptions Options { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor x)
    {
        var s = ThrowHelper.CheckRank(this, x, 4, nameof(FactorisedSelfAttentionBlock), $"[B, T, S, {Options.Dim}]");
        ThrowHelper.CheckDim(s, 3, Options.Dim, nameof(FactorisedSelfAttentionBlock), $"[B, T, S, {Options.Dim}]");
        using var scope = NewDisposeScope();
        var y = x + drop_path.forward(attn_s.forward(norm_s.forward(x)));                         // space: within each frame
        // Time: at each position. attn_t attends along dimension 1 in place, without a transposed (copied) input.
        y = y + drop_path.forward(attn_t.AttendOverDim1(norm_t.forward(y)));
        y = y + drop_path.forward(mlp.forward(norm2.forward(y)));
        return scope.MoveToOuter(y);
    }
}
