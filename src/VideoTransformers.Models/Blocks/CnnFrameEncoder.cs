using VideoTransformers.Torch;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VideoTransformers.Blocks;

/// <summary>
/// A small CNN applied to every frame: three conv(3×3)-BatchNorm-ReLU stages (the first two max-pooled), global
/// average pooling and a Linear to the feature size. [B, T, C, H, W] → [B, T, F].
/// Parameters: <c>conv1</c>, <c>bn1</c>, <c>conv2</c>, <c>bn2</c>, <c>conv3</c>, <c>bn3</c>, <c>fc</c>.
/// </summary>
public sealed class CnnFrameEncoder : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv1, conv2, conv3;
    private readonly BatchNorm2d bn1, bn2, bn3;
    private readonly Linear fc;

    /// <summary>Creates the encoder with widths 32, 64, 128.</summary>
    public CnnFrameEncoder(long channels, long features, long width = 32) : base(nameof(CnnFrameEncoder))
    {
        Channels = channels;
        Features = features;
        Width = width;
        conv1 = nn.Conv2d(channels, width, 3, stride: 1, padding: 1, bias: false);
        bn1 = nn.BatchNorm2d(width);
        conv2 = nn.Conv2d(width, 2 * width, 3, stride: 1, padding: 1, bias: false);
        bn2 = nn.BatchNorm2d(2 * width);
        conv3 = nn.Conv2d(2 * width, 4 * width, 3, stride: 1, padding: 1, bias: false);
        bn3 = nn.BatchNorm2d(4 * width);
        fc = nn.Linear(4 * width, features);
        RegisterComponents();
    }

    /// <summary>Input channels.</summary>
    public long Channels { get; }
    /// <summary>Output feature size F.</summary>
    public long Features { get; }
    /// <summary>Width of the first stage.</summary>
    public long Width { get; }

    /// <summary>FLOPs for one frame of H×W.</summary>
    public long FlopsPerFrame(long h, long w) =>
        Models.Flops.Conv(h * w * Width, Channels, 9) + Models.Flops.Conv(h / 2 * (w / 2) * 2 * Width, Width, 9)
        + Models.Flops.Conv(h / 4 * (w / 4) * 4 * Width, 2 * Width, 9) + Models.Flops.Linear(1, 4 * Width, Features);

    /// <inheritdoc />
    public override Tensor forward(Tensor video)
    {
        var s = ThrowHelper.CheckRank(this, video, 5, nameof(CnnFrameEncoder), $"[B, T, {Channels}, H, W]");
        ThrowHelper.CheckDim(s, 2, Channels, nameof(CnnFrameEncoder), $"[B, T, {Channels}, H, W]");
        using var scope = NewDisposeScope();
        var x = video.reshape(s[0] * s[1], s[2], s[3], s[4]);
        x = nn.functional.max_pool2d(bn1.forward(SafeConvolution.Forward(conv1, x)).relu(), new long[] { 2, 2 });
        x = nn.functional.max_pool2d(bn2.forward(SafeConvolution.Forward(conv2, x)).relu(), new long[] { 2, 2 });
        x = bn3.forward(SafeConvolution.Forward(conv3, x)).relu().mean(new long[] { 2, 3 });
        return scope.MoveToOuter(fc.forward(x).reshape(s[0], s[1], Features));
    }
}
