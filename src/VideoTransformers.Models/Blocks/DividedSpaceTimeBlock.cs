using VideoTransformers.Torch;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VideoTransformers.Blocks;

/// <summary>
/// TimeSformer's divided space-time block (Bertasius et al. 2021, facebookresearch/TimeSformer) over patch tokens
/// [B, T, S, D] plus a video CLS token [B, 1, D]:
/// temporal attention at each position (its output projection <c>temporal_fc</c> is zero-initialised, so the block
/// starts as a purely spatial one), then spatial attention within each frame with the CLS token repeated per frame and
/// its outputs averaged back, then the MLP. Parameters: <c>temporal_norm1</c>, <c>temporal_attn</c>,
/// <c>temporal_fc</c>, <c>norm1</c>, <c>attn</c>, <c>norm2</c>, <c>mlp</c> (facebookresearch's names).
/// </summary>
public sealed class DividedSpaceTimeBlock : nn.Module<(Tensor cls, Tensor tokens), (Tensor cls, Tensor tokens)>
{
    private readonly LayerNorm temporal_norm1;
    private readonly MultiHeadSelfAttention temporal_attn;
    private readonly Linear temporal_fc;
    private readonly LayerNorm norm1;
    private readonly MultiHeadSelfAttention attn;
    private readonly LayerNorm norm2;
    private readonly Mlp mlp;
    private readonly DropPath drop_path;

    /// <summary>Creates the block.</summary>
    public DividedSpaceTimeBlock(TransformerOptions o, bool zeroInitTemporalFc = true) : base(nameof(DividedSpaceTimeBlock))
    {
        Options = o;
        temporal_norm1 = nn.LayerNorm(o.Dim, o.LayerNormEps);
        temporal_attn = new MultiHeadSelfAttention(o.Dim, o.Heads, o.AttnDim, o.AttnDropout, o.Dropout, o.QkvBias);
        temporal_fc = nn.Linear(o.Dim, o.Dim);
        norm1 = nn.LayerNorm(o.Dim, o.LayerNormEps);
        attn = new MultiHeadSelfAttention(o.Dim, o.Heads, o.AttnDim, o.AttnDropout, o.Dropout, o.QkvBias);
        norm2 = nn.LayerNorm(o.Dim, o.LayerNormEps);
        mlp = new Mlp(o.Dim, o.MlpDim, o.Dropout, o.Gelu);
        drop_path = new DropPath(o.DropPath);
        if (zeroInitTemporalFc)
        {
            nn.init.zeros_(temporal_fc.weight);
            nn.init.zeros_(temporal_fc.bias!);
        }
        RegisterComponents();
    }

    /// <summary>The block's hyper-parameters.</summary>
    public TransformerOptions Options { get; }
    /// <summary>The spatial attention layer.</summary>
    public MultiHeadSelfAttention SpatialAttention => attn;
    /// <summary>The temporal attention layer.</summary>
    public MultiHeadSelfAttention TemporalAttention => temporal_attn;

    /// <inheritdoc />
    public override (Tensor cls, Tensor tokens) forward((Tensor cls, Tensor tokens) input)
    {
        var (cls, x) = input;
        var s = ThrowHelper.CheckRank(this, x, 4, nameof(DividedSpaceTimeBlock), $"tokens [B, T, S, {Options.Dim}]");
        ThrowHelper.CheckDim(s, 3, Options.Dim, nameof(DividedSpaceTimeBlock), $"tokens [B, T, S, {Options.Dim}]");
        if (!cls.shape.SequenceEqual(new[] { s[0], 1L, Options.Dim }))
            throw new ArgumentException($"DividedSpaceTimeBlock expected the CLS token [{s[0]}, 1, {Options.Dim}], got {Shapes.Format(cls.shape)}.");
        ThrowHelper.CheckInput(this, cls, nameof(DividedSpaceTimeBlock), $"the CLS token [{s[0]}, 1, {Options.Dim}]");
        long b = s[0], t = s[1], n = s[2], d = s[3];
        using var scope = NewDisposeScope();
        // Temporal attention: tokens at the same position attend over time. The layer attends along dimension 1 of
        // [B, T, S, D] in place, so that neither the norm nor the projections see a transposed (copied) input.
        var resT = drop_path.forward(temporal_attn.AttendOverDim1(temporal_norm1.forward(x)));
        var xtime = x + temporal_fc.forward(resT);                                                  // [B, T, S, D]
        // Spatial attention: each frame's tokens plus the CLS token repeated for that frame.
        var clsPerFrame = cls.unsqueeze(1).expand(b, t, 1, d);
        var xs = cat(new[] { clsPerFrame, xtime }, 2);                                              // [B, T, 1+S, D]
        var resS = drop_path.forward(attn.forward(norm1.forward(xs)));
        // split rather than select + narrow: their backward passes would each zero-fill a gradient of resS's size.
        var parts = resS.split(new[] { 1L, n }, 2);                                                 // [B, T, 1, D], [B, T, S, D]
        var clsOut = cls + parts[0].mean(new long[] { 1 });                                         // [B, 1, D]
        var tokens = xtime + parts[1];
        // The MLP is per token: the CLS token and the patch tokens go through it separately rather than concatenated
        // (a copy of all tokens, and a split view the next block would copy again); drop path uses one mask per sample.
        var (mlpCls, mlpTokens) = drop_path.forward(mlp.forward(norm2.forward(clsOut)), mlp.forward(norm2.forward(tokens)));
        var outCls = clsOut + mlpCls;
        var outTokens = tokens + mlpTokens;
        scope.MoveToOuter(outCls, outTokens);
        return (outCls, outTokens);
    }
}
