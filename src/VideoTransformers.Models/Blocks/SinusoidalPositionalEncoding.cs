using VideoTransformers.Torch;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VideoTransformers.Blocks;

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
