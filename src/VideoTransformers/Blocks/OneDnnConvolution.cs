using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VideoTransformers.Blocks;

/// <summary>
/// Runs TorchSharp convolutions around a oneDNN bug. libtorch 2.10 bundles oneDNN 3.7.1, whose AVX-512 (and AVX2)
/// kernel for a float32 convolution's input gradient (<c>backward_data</c>) returns wrong values, sometimes NaN, when
/// the number of output channels is not a multiple of the kernel's channel block (16 for AVX-512, 8 for AVX2). Measured
/// on this project's CI machine: 4→5 channels, 3×3, wrong in 9 to 40 of 40 runs; forward and weight gradients were
/// right; Debian's PyTorch 1.13 (older oneDNN) right on the same shapes. Padding the output channels with zero filters
/// to a multiple of 16 and dropping them afterwards gives the kernel a full block; the result and every gradient are
/// those of the unpadded convolution, because the extra filters are constants and their outputs are discarded.
/// </summary>
internal static class OneDnnConvolution
{
    private const long Block = 16;

    private static bool Affected(Tensor weight) =>
        weight.shape[0] % Block != 0 && weight.device_type == DeviceType.CPU && weight.dtype == ScalarType.Float32;

    private static Tensor Padded(Tensor weight)
    {
        var extra = Block - weight.shape[0] % Block;
        var shape = weight.shape.ToArray();
        shape[0] = extra;
        return cat(new[] { weight, zeros(shape, weight.dtype, weight.device) }, 0);
    }

    private static Tensor? PaddedBias(Tensor? bias, long channels) =>
        bias is null ? null : cat(new[] { bias, zeros(new[] { Block - channels % Block }, bias.dtype, bias.device) }, 0);

    /// <summary><c>conv.forward(x)</c> for a 2-D convolution, with the output channels padded where the bug bites.</summary>
    public static Tensor Forward(Conv2d conv, Tensor x)
    {
        if (!Affected(conv.weight!)) return conv.forward(x);
        using var scope = NewDisposeScope();
        var channels = conv.weight!.shape[0];
        var y = nn.functional.conv2d(x, Padded(conv.weight), PaddedBias(conv.bias, channels), conv.stride, conv.padding, conv.dilation, conv.groups);
        return scope.MoveToOuter(y.narrow(1, 0, channels));
    }

    /// <summary><c>conv.forward(x)</c> for a 3-D convolution, with the output channels padded where the bug bites.</summary>
    public static Tensor Forward(Conv3d conv, Tensor x)
    {
        if (!Affected(conv.weight!)) return conv.forward(x);
        using var scope = NewDisposeScope();
        var channels = conv.weight!.shape[0];
        var y = nn.functional.conv3d(x, Padded(conv.weight), PaddedBias(conv.bias, channels), conv.stride, conv.padding, conv.dilation, conv.groups);
        return scope.MoveToOuter(y.narrow(1, 0, channels));
    }
}
