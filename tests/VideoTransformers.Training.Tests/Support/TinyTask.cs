using VideoTransformers.Data.Loading;
using VideoTransformers.Models;
using VideoTransformers.Torch;
using VideoTransformers.Zoo;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VideoTransformers.Training.Tests.Support;

/// <summary>
/// A tiny synthetic task and model: clips of 4 frames of 32×32 noise whose class is the quadrant that is bright in
/// frame 0, learnt by a 2-layer FrameViT of width 32 with patches of 16 (4 tokens per frame).
/// </summary>
internal static class TinyTask
{
    public static FrameViTConfig Config(int classes = 4, double dropout = 0) => new()
    {
        ImageHeight = 32, ImageWidth = 32, Channels = 1, Frames = 4, PatchSize = 16, TokenDim = 32, AttnDim = 32, Heads = 2, MlpDim = 64,
        Layers = 2, Classes = classes, Dropout = dropout, AttnDropout = dropout, DropPath = dropout,
    };

    public static ModelSpec Spec(int classes = 4, double dropout = 0) => new() { Model = "frame-vit", FrameViT = Config(classes, dropout) };

    public static FrameViT Model(int classes = 4, double dropout = 0) => new(Config(classes, dropout));

    /// <summary>A model with exactly <paramref name="source"/>'s weights.</summary>
    public static FrameViT CopyOf(FrameViT source, int classes = 4, double dropout = 0)
    {
        var m = Model(classes, dropout);
        m.load_state_dict_checked(source.state_dict());
        return m;
    }

    /// <summary>Clip i has class i mod classes; the pixels come from a seeded .NET generator, not libtorch's.</summary>
    public static TensorBatchSource Source(int clips, int classes, int batchSize, bool shuffle = true, int shuffleSeed = 0, int dataSeed = 1)
    {
        const int t = 4, h = 32, w = 32;
        var rng = new Random(dataSeed);
        var x = new float[clips * t * h * w];
        var y = new long[clips];
        for (var i = 0; i < clips; i++)
        {
            var c = i % classes;
            y[i] = c;
            var clip = x.AsSpan(i * t * h * w, t * h * w);
            for (var k = 0; k < clip.Length; k++) clip[k] = (float)(rng.NextDouble() * 0.2);
            var (r0, c0) = (c % 4 / 2 * 16, c % 2 * 16);
            for (var r = r0; r < r0 + 16; r++)
            for (var col = c0; col < c0 + 16; col++)
                clip[r * w + col] += 0.8f;
        }
        using var xs = tensor(x, [clips, t, 1, h, w]);
        using var ys = tensor(y, [clips]);
        var names = Enumerable.Range(0, classes).Select(c => "class" + c).ToArray();
        return new TensorBatchSource(xs, ys, batchSize, names, shuffle, dropLast: false, seed: shuffleSeed);
    }

    /// <summary>Largest absolute difference over every parameter and buffer of two models with the same structure.</summary>
    public static double MaxAbsDiff(nn.Module a, nn.Module b)
    {
        using var scope = NewDisposeScope();
        var sb = b.state_dict();
        double max = 0;
        foreach (var (name, ta) in a.state_dict())
            max = Math.Max(max, ta.sub(sb[name]).abs().max().ToDouble());
        return max;
    }

    /// <summary>True when every tensor of the two state dicts is bitwise equal.</summary>
    public static bool SameWeights(nn.Module a, nn.Module b)
    {
        var sb = b.state_dict();
        return a.state_dict().All(kv => kv.Value.Identical(sb[kv.Key]));
    }
}
