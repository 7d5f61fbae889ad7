using VideoTransformers.Torch;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VideoTransformers.Blocks;

/// <summary>
/// ViViT model 4 attention (factorised dot-product) over [B, T, S, D]: one Q/K/V projection, half of the heads
/// attend over space (within a frame), the other half over time (at a position), and their outputs are
/// concatenated before the output projection. Parameters: <c>qkv</c>, <c>proj</c>.
/// </summary>
public sealed class FactorisedDotProductAttention : SelfAttention
{
    private readonly Linear qkv;
    private readonly Linear proj;

    /// <summary>Creates the layer; <paramref name="heads"/> must be even.</summary>
    public FactorisedDotProductAttention(long dim, long heads, long? attnDim = null, double attnDropout = 0, double projDropout = 0, bool qkvBias = true)
        : base(nameof(FactorisedDotProductAttention), dim)
    {
        var a = attnDim ?? dim;
        if (heads < 2 || heads % 2 != 0) throw ThrowHelper.Config($"Factorised dot-product attention splits heads between space and time and needs an even number of heads, got {heads}.");
        if (a % heads != 0) throw ThrowHelper.Config($"Attention dimension {a} must be divisible by the number of heads {heads}.");
        Heads = heads;
        AttnDim = a;
        HeadDim = a / heads;
        AttnDropout = attnDropout;
        ProjDropout = projDropout;
        qkv = nn.Linear(dim, 3 * a, qkvBias);
        proj = nn.Linear(a, dim);
        RegisterComponents();
    }

    /// <summary>Total heads (half spatial, half temporal).</summary>
    public long Heads { get; }
    /// <summary>Attention dimension.</summary>
    public long AttnDim { get; }
    /// <summary>Head size.</summary>
    public long HeadDim { get; }
    /// <summary>Attention-weight dropout.</summary>
    public double AttnDropout { get; }
    /// <summary>Output dropout.</summary>
    public double ProjDropout { get; }

    /// <inheritdoc />
    public override Tensor Attend(Tensor x, Tensor? keyMask)
    {
        if (keyMask is not null) throw new NotSupportedException("FactorisedDotProductAttention has no key mask (its tokens form a full space-time grid).");
        var s = ThrowHelper.CheckRank(this, x, 4, nameof(FactorisedDotProductAttention), $"[B, T, S, {Dim}]");
        ThrowHelper.CheckDim(s, 3, Dim, nameof(FactorisedDotProductAttention), $"[B, T, S, {Dim}]");
        long b = s[0], t = s[1], n = s[2], h = Heads / 2;
        var scale = 1.0 / Math.Sqrt(HeadDim);
        var p = training ? AttnDropout : 0;
        using var scope = NewDisposeScope();
        // [3, 2, B, T, h, S, dh]: q/k/v, then space and time halves of the heads. unbind rather than indexing and
        // narrowing: their backward passes would zero-fill a gradient of the whole projection for each of the six parts.
        var qkvOut = qkv.forward(x).reshape(b, t, n, 3, 2, h, HeadDim).permute(3, 4, 0, 1, 5, 2, 6).unbind(0);
        var (q, k, v) = (qkvOut[0].unbind(0), qkvOut[1].unbind(0), qkvOut[2].unbind(0));          // each: space, time [B, T, h, S, dh]
        // Space heads: attend over S within each frame.
        var (space, _) = Attention.ScaledDotProduct(q[0], k[0], v[0], scale, null, p);           // [B, T, h, S, dh]
        // Time heads: attend over T at each spatial position.
        static Tensor TimeView(Tensor m) => m.permute(0, 3, 2, 1, 4);                               // [B, S, h, T, dh]
        var (ct, _) = Attention.ScaledDotProduct(TimeView(q[1]), TimeView(k[1]), TimeView(v[1]), scale, null, p);
        var time = ct.permute(0, 3, 2, 1, 4);                                                       // [B, T, h, S, dh]
        var ctx = cat(new[] { space, time }, 2).permute(0, 1, 3, 2, 4).reshape(b, t, n, AttnDim);   // heads back together
        var y = proj.forward(ctx);
        if (training && ProjDropout > 0) y = FastDropout.dropout(y, ProjDropout);
        return scope.MoveToOuter(y);
    }
}
