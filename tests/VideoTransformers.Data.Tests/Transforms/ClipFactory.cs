using VideoTransformers.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace VideoTransformers.Data.Tests.Transforms;

/// <summary>Small clips whose every element differs, so that any reordering shows.</summary>
internal static class ClipFactory
{
    /// <summary>A clip [t, c, h, w] holding 0, 1, 2, … in C order, scaled by <paramref name="scale"/>.</summary>
    public static Tensor Ramp(long t, long c, long h, long w, double scale = 1.0) =>
        arange(0, t * c * h * w, 1, float32).reshape(t, c, h, w).mul(scale);

    /// <summary>A random clip in [0, 1) from libtorch's generator seeded with <paramref name="seed"/>.</summary>
    public static Tensor Random(long t, long c, long h, long w, long seed)
    {
        manual_seed(seed);
        return rand([t, c, h, w]);
    }
}
