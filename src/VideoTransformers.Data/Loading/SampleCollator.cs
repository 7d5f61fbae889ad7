using VideoTransformers.Data.Datasets;
using VideoTransformers.Data.Transforms;
using VideoTransformers.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace VideoTransformers.Data.Loading;

/// <summary>Turns dataset samples into clip tensors and stacks them into batch inputs.</summary>
internal static class SampleCollator
{
    /// <summary>Loads sample <paramref name="index"/> as a float32 clip <c>[T, C, H, W]</c> in the caller's dispose scope.</summary>
    public static (Tensor Clip, int Label) Load(IVideoDataset dataset, int index, Random? sampling, ClipTransform? transform, Random random)
    {
        var sample = dataset.GetSample(index, sampling);
        if (sample.Label < 0 || sample.Label >= dataset.ClassNames.Count)
            throw new InvalidDataException($"Label {sample.Label} is outside the {dataset.ClassNames.Count} classes.");
        using var scope = NewDisposeScope();
        var clip = ClipTensors.FromFrames(sample.Frames);
        if (transform is not null) clip = transform.Apply(clip, random);
        if (clip.dtype != float32) clip = clip.to(float32);
        return (clip.MoveToOuterDisposeScope(), sample.Label);
    }

    /// <summary>
    /// Stacks clips into <c>[B, T, C, H, W]</c>; a clip of another shape is reported with its dataset index.
    /// </summary>
    public static Tensor Stack(IReadOnlyList<Tensor> clips, IReadOnlyList<int> indices, int epoch, int batch)
    {
        var first = clips[0].shape;
        for (int i = 1; i < clips.Count; i++)
        {
            var s = clips[i].shape;
            if (!s.SequenceEqual(first))
                throw new DataLoaderException(indices[i], epoch, batch,
                    $"Sample {indices[i]} (batch {batch}, epoch {epoch}) has shape {Shapes.Format(s)} but sample {indices[0]} of the same batch has " +
                    $"{Shapes.Format(first)}; add transforms (resize, crop, temporal sampling) that give every clip one shape.");
        }
        return stack(clips.ToArray(), 0);
    }
}
