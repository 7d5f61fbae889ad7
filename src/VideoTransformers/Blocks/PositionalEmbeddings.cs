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

/// <summary>Separate learned space and time embeddings: <c>space</c> [1, 1, S, D] and <c>time</c> [1, T, 1, D], added to [B, T, S, D].</summary>
public sealed class SpaceTimePositionalEmbedding : nn.Module<Tensor, Tensor>
{
    private readonly Parameter space;
    private readonly Parameter time;

    /// <summary>Creates the embeddings (truncated normal, std 0.02).</summary>
    public SpaceTimePositionalEmbedding(long frames, long spatialTokens, long dim) : base(nameof(SpaceTimePositionalEmbedding))
    {
        Frames = frames;
        SpatialTokens = spatialTokens;
        Dim = dim;
        // No dispose scope here: TorchSharp disposes a Parameter created inside one when the scope ends.
        space = Init.trunc_normal_parameter(0.02, 1, 1, spatialTokens, dim);
        time = Init.trunc_normal_parameter(0.02, 1, frames, 1, dim);
        RegisterComponents();
    }

    /// <summary>Trained number of time positions.</summary>
    public long Frames { get; }
    /// <summary>Trained number of spatial positions.</summary>
    public long SpatialTokens { get; }
    /// <summary>Token dimension.</summary>
    public long Dim { get; }

    /// <summary>Adds both embeddings; time is linearly interpolated when the frame count differs from training.</summary>
    public override Tensor forward(Tensor tokens)
    {
        var s = ThrowHelper.CheckRank(this, tokens, 4, nameof(SpaceTimePositionalEmbedding), $"[B, T, {SpatialTokens}, {Dim}]");
        if (s[2] != SpatialTokens || s[3] != Dim)
            throw new ArgumentException($"SpaceTimePositionalEmbedding expected [B, T, {SpatialTokens}, {Dim}], got {Shapes.Format(s)}.");
        using var scope = NewDisposeScope();
        var te = s[1] == Frames ? time.alias()
            : nn.functional.interpolate(time.reshape(1, Frames, Dim).transpose(1, 2), new[] { s[1] }, mode: InterpolationMode.Linear, align_corners: false)
                .transpose(1, 2).reshape(1, s[1], 1, Dim);
        return scope.MoveToOuter(tokens + space + te);
    }
}

/// <summary>Fixed sinusoidal encodings (Vaswani et al.), 1-D over a sequence and 3-D over a (t, h, w) grid.</summary>
public static class SinusoidalPositionalEncoding
{
    /// <summary>[length, dim] table: sin on even, cos on odd channels.</summary>
    public static Tensor Table1D(long length, long dim, double temperature = 10000)
    {
        if (dim % 2 != 0) throw ThrowHelper.Config($"Sinusoidal encodings need an even dimension, got {dim}.");
        var data = new float[length * dim];
        for (long p = 0; p < length; p++)
            for (long i = 0; i < dim / 2; i++)
            {
                var angle = p / Math.Pow(temperature, 2.0 * i / dim);
                data[p * dim + 2 * i] = (float)Math.Sin(angle);
                data[p * dim + 2 * i + 1] = (float)Math.Cos(angle);
            }
        return tensor(data, new[] { length, dim });
    }

    /// <summary>
    /// [t·h·w, dim] table for a 3-D grid in (t, h, w) order: the channels are split into three even parts
    /// (time, height, width), each a 1-D sinusoidal encoding of its coordinate.
    /// </summary>
    public static Tensor Table3D(long t, long h, long w, long dim, double temperature = 10000)
    {
        var part = dim / 3 / 2 * 2;
        var dt = dim - 2 * part;
        if (part <= 0 || dt % 2 != 0) throw ThrowHelper.Config($"3-D sinusoidal encodings need a dimension that splits into three even parts, got {dim}.");
        using var scope = NewDisposeScope();
        var et = Table1D(t, dt, temperature).reshape(t, 1, 1, dt).expand(t, h, w, dt);
        var eh = Table1D(h, part, temperature).reshape(1, h, 1, part).expand(t, h, w, part);
        var ew = Table1D(w, part, temperature).reshape(1, 1, w, part).expand(t, h, w, part);
        return scope.MoveToOuter(cat(new[] { et, eh, ew }, 3).reshape(t * h * w, dim));
    }
}
