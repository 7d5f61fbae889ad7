using VideoTransformers.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace VideoTransformers;

/// <summary>Shape-check helpers: every module validates its input and says what it expected.</summary>
internal static class ThrowHelper
{
    /// <summary>Throws unless <paramref name="x"/> has <paramref name="rank"/> dimensions.</summary>
    public static long[] CheckRank(Tensor x, int rank, string module, string expected)
    {
        var s = x.shape;
        if (s.Length != rank)
            throw new ArgumentException($"{module} expected a {rank}-D input {expected}, got {Shapes.Format(s)}.");
        return s;
    }

    /// <summary>Throws unless dimension <paramref name="dim"/> of <paramref name="shape"/> equals <paramref name="value"/>.</summary>
    public static void CheckDim(long[] shape, int dim, long value, string module, string expected)
    {
        var d = dim < 0 ? dim + shape.Length : dim;
        if (shape[d] != value)
            throw new ArgumentException($"{module} expected {expected}, got {Shapes.Format(shape)} (dimension {d} is {shape[d]}, expected {value}).");
    }

    /// <summary>Throws an <see cref="ArgumentException"/> with a configuration message.</summary>
    public static Exception Config(string message) => new ArgumentException(message);
}
