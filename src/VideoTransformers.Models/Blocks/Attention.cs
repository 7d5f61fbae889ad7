using VideoTransformers.Torch;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VideoTransformers.Blocks;

/// <summary>The attention equation shared by every attention layer.</summary>
public static class Attention
{
    /// <summary>
    /// softmax(q kᵀ · scale + bias) v for q, k, v [B, H, N, d]; <paramref name="keyMask"/> broadcastable to [B, H, N, N]
    /// (true = attend); <paramref name="bias"/> (of q's dtype, broadcastable to [B, H, N, N]) is added to the logits, e.g.
    /// a relative position bias. Returns the context [B, H, N, d] and the attention weights (before dropout).
    /// </summary>
    public static (Tensor context, Tensor weights) ScaledDotProduct(Tensor q, Tensor k, Tensor v, double scale, Tensor? keyMask = null, double dropout = 0,
        Tensor? bias = null)
    {
        CheckOperands(q, k, v, keyMask);
        if (bias is not null)
        {
            if (bias.dtype != q.dtype)
                throw new ArgumentException($"ScaledDotProduct expected a bias of the operands' dtype {q.dtype}, got {bias.dtype}.");
            if (bias.dim() < 2 || bias.shape[^2] != q.shape[^2] || bias.shape[^1] != k.shape[^2])
                throw new ArgumentException($"ScaledDotProduct expected a bias [..., {q.shape[^2]}, {k.shape[^2]}], got {Shapes.Format(bias.shape)}.");
        }
        using var scope = NewDisposeScope();
        var scores = q.matmul(k.transpose(-2, -1)) * scale;
        if (bias is not null) scores = scores + bias;
        if (keyMask is not null) scores = scores.masked_fill(keyMask.logical_not(), double.NegativeInfinity);
        var attn = nn.functional.softmax(scores, -1);
        var dropped = dropout > 0 ? FastDropout.dropout(attn, dropout) : attn;
        var ctx = dropped.matmul(v);
        scope.MoveToOuter(ctx, attn);
        return (ctx, attn);
    }

    // matmul aborts the process on mismatched shapes or dtypes (TorchSharp has no catch around it), so check first.
    private static void CheckOperands(Tensor q, Tensor k, Tensor v, Tensor? keyMask)
    {
        ArgumentNullException.ThrowIfNull(q);
        ArgumentNullException.ThrowIfNull(k);
        ArgumentNullException.ThrowIfNull(v);
        string Shapes3() => $"q {Shapes.Format(q.shape)}, k {Shapes.Format(k.shape)}, v {Shapes.Format(v.shape)}";
        if (q.dim() < 2 || k.dim() != q.dim() || v.dim() != q.dim())
            throw new ArgumentException($"ScaledDotProduct expected q, k, v of equal rank >= 2 ([..., N, d]), got {Shapes3()}.");
        if (!q.is_floating_point() || k.dtype != q.dtype || v.dtype != q.dtype)
            throw new ArgumentException($"ScaledDotProduct expected floating-point q, k, v of one dtype, got {q.dtype}, {k.dtype}, {v.dtype}.");
        var lead = q.shape[..^2];
        if (!k.shape[..^2].SequenceEqual(lead) || !v.shape[..^2].SequenceEqual(lead) || k.shape[^1] != q.shape[^1] || v.shape[^2] != k.shape[^2])
            throw new ArgumentException($"ScaledDotProduct expected q [..., N, d], k [..., M, d], v [..., M, e] with equal leading dims, got {Shapes3()}.");
        if (keyMask is not null && keyMask.dtype != ScalarType.Bool)
            throw new ArgumentException($"ScaledDotProduct key mask must be Bool (true = attend), got {keyMask.dtype}.");
    }
}
