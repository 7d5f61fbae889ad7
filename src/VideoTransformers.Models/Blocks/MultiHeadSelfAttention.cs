using VideoTransformers.Torch;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VideoTransformers.Blocks;

/// <summary>
/// Multi-head self-attention over tokens [..., N, D] with any number of leading batch dimensions (the KTH FrameViT study's
/// [B, S, N, D] included). The attention dimension (heads × head size) may differ from D.
/// softmax(Q Kᵀ / √d_h) V, with attention dropout and an optional key mask.
/// Parameters: <c>qkv</c> (fused Linear D → 3·A) and <c>proj</c> (Linear A → D).
/// </summary>
public sealed class MultiHeadSelfAttention : SelfAttention
{
    private readonly Linear qkv;
    private readonly Linear proj;

    /// <summary>Creates the layer; <paramref name="attnDim"/> defaults to <paramref name="dim"/>.</summary>
    public MultiHeadSelfAttention(long dim, long heads, long? attnDim = null, double attnDropout = 0, double projDropout = 0, bool qkvBias = true)
        : base(nameof(MultiHeadSelfAttention), dim)
    {
        var a = attnDim ?? dim;
        if (heads <= 0 || a % heads != 0) throw ThrowHelper.Config($"Attention dimension {a} must be divisible by the number of heads {heads}.");
        Heads = heads;
        AttnDim = a;
        HeadDim = a / heads;
        Scale = 1.0 / Math.Sqrt(HeadDim);
        AttnDropout = attnDropout;
        ProjDropout = projDropout;
        qkv = nn.Linear(dim, 3 * a, qkvBias);
        proj = nn.Linear(a, dim);
        RegisterComponents();
    }

    /// <summary>Number of heads.</summary>
    public long Heads { get; }
    /// <summary>Attention dimension A = heads × head size.</summary>
    public long AttnDim { get; }
    /// <summary>Head size.</summary>
    public long HeadDim { get; }
    /// <summary>1/√head size.</summary>
    public double Scale { get; }
    /// <summary>Dropout on attention weights.</summary>
    public double AttnDropout { get; }
    /// <summary>Dropout after the output projection.</summary>
    public double ProjDropout { get; }

    /// <summary>The fused Q/K/V projection (exposed for factorised attention variants and checkpoint import).</summary>
    internal Linear Qkv => qkv;

    /// <summary>The output projection.</summary>
    internal Linear Proj => proj;

    /// <inheritdoc />
    public override Tensor Attend(Tensor x, Tensor? keyMask) => forward(x, keyMask).output;

    /// <summary>
    /// Attends over dimension 1 of tokens [B, T, S, D]: each of the B·S positions over its T tokens, as
    /// <c>forward(x.transpose(1, 2))</c> transposed back does, and with the same attention maps ([B, S, heads, T, T]),
    /// but without moving the tokens: the projections are per token and run on <paramref name="x"/> as it lies, so
    /// neither the input nor the output is copied into [B, S, T, D] and back.
    /// </summary>
    internal Tensor AttendOverDim1(Tensor x)
    {
        var s = x.shape;
        if (s.Length != 4 || s[3] != Dim)
            throw new ArgumentException($"MultiHeadSelfAttention expected tokens [B, T, S, {Dim}], got {Shapes.Format(s)}.");
        ThrowHelper.CheckInput(this, x, nameof(MultiHeadSelfAttention), $"[B, T, S, {Dim}]");
        long b = s[0], t = s[1], n = s[2];
        using var scope = NewDisposeScope();
        var qkvOut = qkv.forward(x).reshape(b, t, n, 3, Heads, HeadDim).permute(3, 0, 2, 4, 1, 5).unbind(0);   // 3 × [B, S, heads, T, dh]
        var (ctx, attn) = Attention.ScaledDotProduct(qkvOut[0], qkvOut[1], qkvOut[2], Scale, null, training ? AttnDropout : 0);
        Keep(attn);
        var y = proj.forward(ctx.permute(0, 3, 1, 2, 4).reshape(b, t, n, AttnDim));                                // [B, T, S, D]
        if (training && ProjDropout > 0) y = FastDropout.dropout(y, ProjDropout);
        return scope.MoveToOuter(y);
    }

    /// <summary>
    /// Attends over the second-to-last dimension. <paramref name="keyMask"/> (bool, shape = leading dims + [N],
    /// true = attend) hides padded keys. Returns the output and, when asked, the attention weights [..., H, N, N].
    /// </summary>
    public (Tensor output, Tensor? attention) forward(Tensor x, Tensor? keyMask, bool returnAttention = false)
    {
        var s = x.shape;
        if (s.Length < 2 || s[^1] != Dim)
            throw new ArgumentException($"MultiHeadSelfAttention expected tokens [..., N, {Dim}], got {Shapes.Format(s)}.");
        ThrowHelper.CheckInput(this, x, nameof(MultiHeadSelfAttention), $"[..., N, {Dim}]");
        var n = s[^2];
        var lead = s[..^2];
        var b = lead.Aggregate(1L, (p, q) => p * q);
        var mapShape = lead.Concat(new[] { Heads, n, n }).ToArray();
        using var scope = NewDisposeScope();
        var qkvOut = qkv.forward(x.reshape(b, n, Dim)).reshape(b, n, 3, Heads, HeadDim).permute(2, 0, 3, 1, 4).unbind(0);
        Tensor? mask = null;
        if (keyMask is not null)
        {
            var expected = lead.Append(n).ToArray();
            if (!keyMask.shape.SequenceEqual(expected))
                throw new ArgumentException($"MultiHeadSelfAttention key mask must have shape {Shapes.Format(expected)}, got {Shapes.Format(keyMask.shape)}.");
            if (keyMask.dtype != ScalarType.Bool)
                throw new ArgumentException($"MultiHeadSelfAttention key mask must be Bool (true = attend), got {keyMask.dtype}.");
            mask = keyMask.reshape(b, 1, 1, n);
        }
        var (ctx, attn) = Attention.ScaledDotProduct(qkvOut[0], qkvOut[1], qkvOut[2], Scale, mask, training ? AttnDropout : 0);
        Keep(attn.reshape(mapShape));
        var y = proj.forward(ctx.transpose(1, 2).reshape(b, n, AttnDim));
        if (training && ProjDropout > 0) y = FastDropout.dropout(y, ProjDropout);
        var output = scope.MoveToOuter(y.reshape(s));
        var attention = returnAttention ? scope.MoveToOuter(attn.reshape(mapShape)) : null;
        return (output, attention);
    }
}
