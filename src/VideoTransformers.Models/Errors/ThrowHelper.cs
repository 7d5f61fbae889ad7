using VideoTransformers.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace VideoTransformers;

/// <summary>Shape-check helpers: every module validates its input and says what it expected.</summary>
internal static class ThrowHelper
{
    /// <summary>
    /// Throws unless <paramref name="x"/> has <paramref name="rank"/> dimensions and passes <see cref="CheckInput"/>.
    /// </summary>
    public static long[] CheckRank(nn.Module owner, Tensor x, int rank, string module, string expected)
    {
        ArgumentNullException.ThrowIfNull(x);
        var s = x.shape;
        if (s.Length != rank)
            throw new ArgumentException($"{module} expected a {rank}-D input {expected}, got {Shapes.Format(s)}.");
        CheckInput(owner, x, module, expected);
        return s;
    }

    /// <summary>
    /// Throws unless <paramref name="x"/> is floating point, with the dtype and device of <paramref name="owner"/>'s
    /// parameters. Some libtorch kernels that TorchSharp calls (matmul among them) abort the process on a mismatch
    /// instead of throwing, so every public forward checks before its first native call.
    /// </summary>
    public static void CheckInput(nn.Module owner, Tensor x, string module, string expected)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (!x.is_floating_point())
            throw new ArgumentException($"{module} expected a floating-point input {expected}, got {x.dtype} {Shapes.Format(x.shape)}.");
        var p = owner.parameters().FirstOrDefault();
        if (p is null) return;
        if (p.dtype != x.dtype)
            throw new ArgumentException($"{module} has {p.dtype} parameters but got a {x.dtype} input {Shapes.Format(x.shape)}; convert the input (x.to({p.dtype})) or the module (module.to({x.dtype})).");
        if (p.device_type != x.device_type || p.device_index != x.device_index)
            throw new ArgumentException($"{module} has parameters on {p.device} but got an input on {x.device}; move one to the other's device.");
    }

    /// <summary>Throws unless dimension <paramref name="dim"/> of <paramref name="shape"/> equals <paramref name="value"/>.</summary>
    public static void CheckDim(long[] shape, int dim, long value, string module, string expected)
    {
        var d = dim < 0 ? dim + shape.Length : dim;
        if (shape[d] != value)
            throw new ArgumentException($"{module} expected {expected}, got {Shapes.Format(shape)} (dimension {d} is {shape[d]}, expected {value}).");
    }

    /// <summary>
    /// Throws unless <paramref name="options"/> sizes attention like the tokens (<see cref="Blocks.TransformerOptions.AttnDim"/>
    /// null or <see cref="Blocks.TransformerOptions.Dim"/>): only FrameViT's blocks (and FLOP counts) take another attention dimension.
    /// </summary>
    public static void CheckAttnDimIsDim(Blocks.TransformerOptions options, string model)
    {
        if (options.AttnDim is { } a && a != options.Dim)
            throw Config($"{model} sizes attention like its tokens: AttnDim must be unset or {options.Dim} (Dim), got {a}.");
    }

    /// <summary>Throws an <see cref="ArgumentException"/> with a configuration message.</summary>
    public static Exception Config(string message) => new ArgumentException(message);
}
