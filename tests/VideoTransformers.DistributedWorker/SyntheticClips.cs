using VideoTransformers.Data.Loading;
using VideoTransformers.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VideoTransformers.DistributedWorker;

/// <summary>
/// A deterministic task: clips of 4 frames of 32×32 noise whose class is the bright quadrant of frame 0, learnt by a
/// 2-layer FrameViT of width 32. The pixels come from a seeded .NET generator, so every process builds the same data.
/// </summary>
internal static class SyntheticClips
{
    public const int Classes = 4;

    public static FrameViTConfig ModelConfig => new()
    {
        ImageHeight = 32, ImageWidth = 32, Channels = 1, Frames = 4, PatchSize = 16, TokenDim = 32, AttnDim = 32, Heads = 2, MlpDim = 64,
        Layers = 2, Classes = Classes,
    };

    public static TensorBatchSource Source(int clips, int batchSize, bool shuffle, int shuffleSeed)
    {
        const int t = 4, h = 32, w = 32;
        var rng = new Random(1);
        var x = new float[clips * t * h * w];
        var y = new long[clips];
        for (var i = 0; i < clips; i++)
        {
            var c = i % Classes;
            y[i] = c;
            var clip = x.AsSpan(i * t * h * w, t * h * w);
            for (var k = 0; k < clip.Length; k++) clip[k] = (float)(rng.NextDouble() * 0.2);
            var (r0, c0) = (c / 2 * 16, c % 2 * 16);
            for (var r = r0; r < r0 + 16; r++)
            for (var col = c0; col < c0 + 16; col++)
                clip[r * w + col] += 0.8f;
        }
        using var xs = tensor(x, [clips, t, 1, h, w]);
        using var ys = tensor(y, [clips]);
        var names = Enumerable.Range(0, Classes).Select(c => "class" + c).ToArray();
        return new TensorBatchSource(xs, ys, batchSize, names, shuffle, dropLast: false, seed: shuffleSeed);
    }
}
