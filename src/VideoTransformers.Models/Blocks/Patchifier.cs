using VideoTransformers.Torch;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VideoTransformers.Blocks;

/// <summary>
/// Cuts frames [B, T, C, H, W] into non-overlapping patches [B, T, N, C·ph·pw], N = (H/ph)·(W/pw), patches in
/// row-major order and each patch flattened as (c, y, x), the layout of a stride-p convolution's weight.
/// </summary>
public sealed class Patchifier : nn.Module<Tensor, Tensor>
{
    /// <summary>Creates a patchifier for rectangular patches.</summary>
    public Patchifier(long patchHeight, long patchWidth) : base(nameof(Patchifier))
    {
        if (patchHeight <= 0 || patchWidth <= 0) throw ThrowHelper.Config($"Patch sizes must be positive, got {patchHeight}x{patchWidth}.");
        PatchHeight = patchHeight;
        PatchWidth = patchWidth;
    }

    /// <summary>Creates a patchifier for square patches.</summary>
    public Patchifier(long patchSize) : this(patchSize, patchSize) { }

    /// <summary>Patch height.</summary>
    public long PatchHeight { get; }
    /// <summary>Patch width.</summary>
    public long PatchWidth { get; }

    /// <summary>Number of patches per frame of the given size; throws when the patch does not divide the frame.</summary>
    public long PatchCount(long height, long width)
    {
        if (height % PatchHeight != 0 || width % PatchWidth != 0)
            throw new ArgumentException($"Patchifier: patch {PatchHeight}x{PatchWidth} does not divide the frame {height}x{width}; choose a patch size that divides both sides.");
        return height / PatchHeight * (width / PatchWidth);
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor frames)
    {
        var s = ThrowHelper.CheckRank(this, frames, 5, nameof(Patchifier), "[B, T, C, H, W]");
        long b = s[0], t = s[1], c = s[2], h = s[3], w = s[4];
        PatchCount(h, w);
        long gh = h / PatchHeight, gw = w / PatchWidth;
        using var scope = NewDisposeScope();
        // [B, T, C, gh, ph, gw, pw] -> [B, T, gh, gw, C, ph, pw]
        var p = frames.reshape(b, t, c, gh, PatchHeight, gw, PatchWidth)
            .permute(0, 1, 3, 5, 2, 4, 6)
            .reshape(b, t, gh * gw, c * PatchHeight * PatchWidth);
        return scope.MoveToOuter(p);
    }
}
