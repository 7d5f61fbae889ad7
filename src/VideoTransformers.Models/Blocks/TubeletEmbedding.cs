using VideoTransformers.Torch;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VideoTransformers.Blocks;

/// <summary>
/// Tubelet embedding: a Conv3d with stride equal to its kernel t×h×w over [B, C, T, H, W], giving tokens
/// [B, nt, nh·nw, D] (time and space kept apart so factorised models can use them). Parameter: <c>proj</c>.
/// </summary>
public sealed class TubeletEmbedding : nn.Module<Tensor, Tensor>
{
    private readonly Conv3d proj;

    /// <summary>Creates the embedding with random (PyTorch default) initialisation.</summary>
    public TubeletEmbedding(long channels, long dim, long t, long h, long w, TubeletRemainder remainder = TubeletRemainder.Error)
        : base(nameof(TubeletEmbedding))
    {
        if (t <= 0 || h <= 0 || w <= 0) throw ThrowHelper.Config($"Tubelet sizes must be positive, got {t}x{h}x{w}.");
        Channels = channels;
        Dim = dim;
        Tubelet = new[] { t, h, w };
        Remainder = remainder;
        proj = nn.Conv3d(channels, dim, (t, h, w), stride: (t, h, w));
        RegisterComponents();
    }

    /// <summary>Input channels C.</summary>
    public long Channels { get; }
    /// <summary>Token dimension D.</summary>
    public long Dim { get; }
    /// <summary>Tubelet size (t, h, w).</summary>
    public long[] Tubelet { get; }
    /// <summary>Behaviour when the tubelet does not divide the clip.</summary>
    public TubeletRemainder Remainder { get; }

    /// <summary>The token grid (nt, nh, nw) for a clip of T×H×W.</summary>
    public (long nt, long nh, long nw) Grid(long frames, long height, long width)
    {
        var dims = new[] { frames, height, width };
        var names = new[] { "frame count", "height", "width" };
        var g = new long[3];
        for (var i = 0; i < 3; i++)
        {
            if (dims[i] % Tubelet[i] != 0)
            {
                if (Remainder == TubeletRemainder.Error)
                    throw new ArgumentException($"TubeletEmbedding: the {names[i]} {dims[i]} is not divisible by the tubelet size {Tubelet[i]} " +
                                                "(tubelet t×h×w = " + string.Join("×", Tubelet) + "); use TubeletRemainder.Truncate or Pad, or change the clip size.");
                g[i] = Remainder == TubeletRemainder.Truncate ? dims[i] / Tubelet[i] : (dims[i] + Tubelet[i] - 1) / Tubelet[i];
            }
            else g[i] = dims[i] / Tubelet[i];
            if (g[i] == 0) throw new ArgumentException($"TubeletEmbedding: the {names[i]} {dims[i]} is smaller than the tubelet size {Tubelet[i]}.");
        }
        return (g[0], g[1], g[2]);
    }

    /// <summary>Video [B, T, C, H, W] → tokens [B, nt, nh·nw, D].</summary>
    public override Tensor forward(Tensor video)
    {
        var s = ThrowHelper.CheckRank(this, video, 5, nameof(TubeletEmbedding), "[B, T, C, H, W]");
        ThrowHelper.CheckDim(s, 2, Channels, nameof(TubeletEmbedding), $"[B, T, {Channels}, H, W]");
        var (nt, nh, nw) = Grid(s[1], s[3], s[4]);
        using var scope = NewDisposeScope();
        var x = video.permute(0, 2, 1, 3, 4); // [B, C, T, H, W]
        if (Remainder == TubeletRemainder.Pad)
        {
            long pt = nt * Tubelet[0] - s[1], ph = nh * Tubelet[1] - s[3], pw = nw * Tubelet[2] - s[4];
            if (pt > 0 || ph > 0 || pw > 0) x = nn.functional.pad(x, new[] { 0, pw, 0, ph, 0, pt });
        }
        var y = SafeConvolution.Forward(proj, x);                                 // [B, D, nt, nh, nw]
        var tokens = y.flatten(3).permute(0, 2, 3, 1);               // [B, nt, nh*nw, D]
        return scope.MoveToOuter(tokens);
    }

    /// <summary>
    /// Initialises the 3-D kernel from a 2-D patch-embedding kernel [D, C, h, w] (ViViT §3.4) and copies the bias.
    /// </summary>
    public void InitializeFrom2D(Tensor weight2d, Tensor? bias2d, TubeletInit mode)
    {
        var s = weight2d.shape;
        if (s.Length != 4 || s[0] != Dim || s[1] != Channels || s[2] != Tubelet[1] || s[3] != Tubelet[2])
            throw new ArgumentException($"InitializeFrom2D expected a kernel [{Dim}, {Channels}, {Tubelet[1]}, {Tubelet[2]}], got {Shapes.Format(s)}.");
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var t = Tubelet[0];
        Tensor w3;
        if (mode == TubeletInit.FilterInflation)
            w3 = weight2d.unsqueeze(2).expand(Dim, Channels, t, Tubelet[1], Tubelet[2]) / (double)t;
        else
        {
            w3 = zeros(new[] { Dim, Channels, t, Tubelet[1], Tubelet[2] }, weight2d.dtype);
            w3.narrow(2, t / 2, 1).copy_(weight2d.unsqueeze(2));
        }
        proj.weight.copy_(w3);
        if (bias2d is not null && proj.bias is not null) proj.bias.copy_(bias2d);
    }
}
