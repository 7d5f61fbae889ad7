using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VideoTransformers.Torch;

/// <summary>
/// TorchSharp convolutions around a oneDNN bug, for the library's blocks and for users' own convolutions. libtorch 2.10 bundles oneDNN 3.7.1, whose AVX-512 (and AVX2)
/// kernel for a float32 convolution's input gradient (<c>backward_data</c>) returns wrong values, sometimes NaN, when
/// the number of output channels is not a multiple of the kernel's channel block (16 for AVX-512, 8 for AVX2). Measured
/// on this project's CI machine: 4→5 channels, 3×3, wrong in 9 to 40 of 40 runs; forward and weight gradients were
/// right; Debian's PyTorch 1.13 (older oneDNN) right on the same shapes. Padding the output channels with zero filters
/// to a multiple of 16 and dropping them afterwards gives the kernel a full block; the result and every gradient are
/// those of the unpadded convolution, because the extra filters are constants and their outputs are discarded.
/// </summary>
public static class SafeConvolution
{
    private const long Block = 16;

    private static bool Affected(Tensor weight) =>
        weight.shape[0] % Block != 0 && weight.device_type == DeviceType.CPU && weight.dtype == ScalarType.Float32;

    // Output channel j belongs to group j / (oc / groups), so each group's filters are padded at the group's end;
    // the padded count per group makes the total a multiple of 16.
    private static long PaddedPerGroup(long channels, long groups)
    {
        var perGroup = channels / groups;
        var padded = perGroup;
        while (padded * groups % Block != 0) padded++;
        return padded;
    }

    private static Tensor PadGroups(Tensor t, long groups, long padded)
    {
        var shape = t.shape;
        var perGroup = shape[0] / groups;
        var grouped = t.reshape(new[] { groups, perGroup }.Concat(shape[1..]).ToArray());
        var zeroShape = grouped.shape.ToArray();
        zeroShape[1] = padded - perGroup;
        var result = cat(new[] { grouped, zeros(zeroShape, t.dtype, t.device) }, 1);
        return result.reshape(new[] { groups * padded }.Concat(shape[1..]).ToArray());
    }

    private delegate Tensor ConvFn(Tensor input, Tensor weight, Tensor? bias);

    private static Tensor Run(Tensor input, Tensor weight, Tensor? bias, long groups, ConvFn conv)
    {
        if (!Affected(weight) || groups < 1 || weight.shape[0] % groups != 0) return conv(input, weight, bias);
        using var scope = NewDisposeScope();
        var channels = weight.shape[0];
        var padded = PaddedPerGroup(channels, groups);
        var y = conv(input, PadGroups(weight, groups, padded), bias is null ? null : PadGroups(bias, groups, padded));
        var ys = y.shape;
        var kept = y.reshape(new[] { ys[0], groups, padded }.Concat(ys[2..]).ToArray()).narrow(2, 0, channels / groups);
        return scope.MoveToOuter(kept.reshape(new[] { ys[0], channels }.Concat(ys[2..]).ToArray()));
    }

    /// <summary>
    /// <c>F.conv2d</c> with the output channels padded to a multiple of 16 where the oneDNN bug applies (float32 on CPU).
    /// Arguments as TorchSharp's <c>nn.functional.conv2d</c>.
    /// </summary>
    public static Tensor conv2d(Tensor input, Tensor weight, Tensor? bias = null, long[]? strides = null, long[]? padding = null, long[]? dilation = null, long groups = 1)
    {
        ArgumentNullException.ThrowIfNull(weight);
        return Run(input, weight, bias, groups, (x, w, b) => nn.functional.conv2d(x, w, b, strides, padding, dilation, groups));
    }

    /// <summary>
    /// <c>F.conv3d</c> with the output channels padded to a multiple of 16 where the oneDNN bug applies (float32 on CPU).
    /// Arguments as TorchSharp's <c>nn.functional.conv3d</c>.
    /// </summary>
    public static Tensor conv3d(Tensor input, Tensor weight, Tensor? bias = null, long[]? strides = null, long[]? padding = null, long[]? dilation = null, long groups = 1)
    {
        ArgumentNullException.ThrowIfNull(weight);
        return Run(input, weight, bias, groups, (x, w, b) => nn.functional.conv3d(x, w, b, strides, padding, dilation, groups));
    }

    /// <summary><c>conv.forward(input)</c> through <see cref="conv2d"/> (zero padding mode only).</summary>
    public static Tensor Forward(Conv2d conv, Tensor input)
    {
        ArgumentNullException.ThrowIfNull(conv);
        if (conv.padding_mode != PaddingModes.Zeros) return conv.forward(input);
        return conv2d(input, conv.weight!, conv.bias, conv.stride, conv.padding, conv.dilation, conv.groups);
    }

    /// <summary><c>conv.forward(input)</c> through <see cref="conv3d"/> (zero padding mode only).</summary>
    public static Tensor Forward(Conv3d conv, Tensor input)
    {
        ArgumentNullException.ThrowIfNull(conv);
        if (conv.padding_mode != PaddingModes.Zeros) return conv.forward(input);
        return conv3d(input, conv.weight!, conv.bias, conv.stride, conv.padding, conv.dilation, conv.groups);
    }
}
