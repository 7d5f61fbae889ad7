using VideoTransformers.Torch;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VideoTransformers.Blocks;

/// <summary>
/// A learned 1-D positional embedding <c>weight</c> [1, L, D] added to tokens [..., L, D]. The first
/// <see cref="PrefixTokens"/> positions (CLS) are kept as they are when a different length is met at inference;
/// the rest are linearly interpolated (or, with a 2-D grid, bilinearly).
/// </summary>
public sealed class LearnedPositionalEmbedding : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight;

    /// <summary>Creates the embedding, initialised from a truncated normal (std 0.02, as ViT).</summary>
    public LearnedPositionalEmbedding(long length, long dim, int prefixTokens = 0, (long h, long w)? grid = null) : base(nameof(LearnedPositionalEmbedding))
    {
        if (grid is { } g && g.h * g.w + prefixTokens != length)
            throw ThrowHelper.Config($"Positional grid {g.h}x{g.w} plus {prefixTokens} prefix tokens does not match length {length}.");
        Length = length;
        Dim = dim;
        PrefixTokens = prefixTokens;
        Grid = grid;
        // No dispose scope here: TorchSharp disposes a Parameter created inside one when the scope ends.
        weight = Init.trunc_normal_parameter(0.02, 1, length, dim);
        RegisterComponents();
    }

    /// <summary>Trained sequence length L (prefix included).</summary>
    public long Length { get; }
    /// <summary>Token dimension.</summary>
    public long Dim { get; }
    /// <summary>Leading tokens (e.g. CLS) that are not interpolated.</summary>
    public int PrefixTokens { get; }
    /// <summary>The 2-D grid of the non-prefix tokens, when they form one.</summary>
    public (long h, long w)? Grid { get; }

    /// <summary>The embedding resized to <paramref name="length"/> tokens (a 2-D grid when given).</summary>
    public Tensor Resized(long length, (long h, long w)? grid = null)
    {
        if (length == Length) return weight.alias();
        using var scope = NewDisposeScope();
        var prefix = weight.narrow(1, 0, PrefixTokens);
        var rest = weight.narrow(1, PrefixTokens, Length - PrefixTokens);        // [1, L0, D]
        Tensor resized;
        if (grid is { } g && Grid is { } g0)
        {
            var img = rest.reshape(1, g0.h, g0.w, Dim).permute(0, 3, 1, 2);      // [1, D, h, w]
            resized = nn.functional.interpolate(img, new[] { g.h, g.w }, mode: InterpolationMode.Bilinear, align_corners: false)
                .permute(0, 2, 3, 1).reshape(1, g.h * g.w, Dim);
        }
        else
        {
            var seq = rest.transpose(1, 2);                                       // [1, D, L0]
            resized = nn.functional.interpolate(seq, new[] { length - PrefixTokens }, mode: InterpolationMode.Linear, align_corners: false).transpose(1, 2);
        }
        var result = PrefixTokens > 0 ? cat(new[] { prefix, resized }, 1) : resized;
        return scope.MoveToOuter(result);
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor tokens) => forward(tokens, null);

    /// <summary>Adds the (possibly resized) embedding to tokens [..., L, D].</summary>
    public Tensor forward(Tensor tokens, (long h, long w)? grid)
    {
        var s = tokens.shape;
        if (s.Length < 2 || s[^1] != Dim)
            throw new ArgumentException($"LearnedPositionalEmbedding expected tokens [..., L, {Dim}], got {Shapes.Format(s)}.");
        ThrowHelper.CheckInput(this, tokens, nameof(LearnedPositionalEmbedding), $"[..., L, {Dim}]");
        using var scope = NewDisposeScope();
        var pe = Resized(s[^2], grid);
        return scope.MoveToOuter(tokens + pe);
    }
}
