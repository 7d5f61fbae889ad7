using VideoTransformers.Torch;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VideoTransformers.Blocks;

/// <summary>
/// Per-frame patch embedding as a stride-p Conv2d (ViT/TimeSformer): [B, T, C, H, W] → [B, T, S, D], S = (H/p)(W/p),
/// tokens in row-major order. Parameter: <c>proj</c>.
/// </summary>
public sealed class ConvPatchEmbedding : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d proj;

    /// <summary>Creates the embedding.</summary>
    public ConvPatchEmbedding(long channels, long dim, long patchHeight, long patchWidth) : base(nameof(ConvPatchEmbedding))
    {
        Channels = channels;
        Dim = dim;
        PatchHeight = patchHeight;
        PatchWidth = patchWidth;
        proj = nn.Conv2d(channels, dim, (patchHeight, patchWidth), stride: (patchHeight, patchWidth));
        RegisterComponents();
    }

    /// <summary>Input channels.</summary>
    public long Channels { get; }
    /// <summary>Token dimension.</summary>
    public long Dim { get; }
    /// <summary>Patch height.</summary>
    public long PatchHeight { get; }
    /// <summary>Patch width.</summary>
    public long PatchWidth { get; }

    /// <summary>The (rows, columns) patch grid of a frame; throws when the patch does not divide it.</summary>
    public (long h, long w) Grid(long height, long width)
    {
        if (height % PatchHeight != 0 || width % PatchWidth != 0)
            throw new ArgumentException($"ConvPatchEmbedding: patch {PatchHeight}x{PatchWidth} does not divide the frame {height}x{width}.");
        return (height / PatchHeight, width / PatchWidth);
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor video)
    {
        var s = ThrowHelper.CheckRank(this, video, 5, nameof(ConvPatchEmbedding), "[B, T, C, H, W]");
        ThrowHelper.CheckDim(s, 2, Channels, nameof(ConvPatchEmbedding), $"[B, T, {Channels}, H, W]");
        var (gh, gw) = Grid(s[3], s[4]);
        using var scope = NewDisposeScope();
        var y = SafeConvolution.Forward(proj, video.reshape(s[0] * s[1], s[2], s[3], s[4]));   // [B*T, D, gh, gw]
        var tokens = y.flatten(2).transpose(1, 2).reshape(s[0], s[1], gh * gw, Dim);
        return scope.MoveToOuter(tokens);
    }
}
