using VideoTransformers.Data.Loading;
using VideoTransformers.Data.Video;
using VideoTransformers.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace VideoTransformers.Data.Datasets;

/// <summary>
/// One split of a <see cref="MedMnist3D"/> file: <see cref="Count"/> uint8 volumes of <c>Depth × Height × Width</c> and
/// their labels, held in memory. As an <see cref="IVideoDataset"/> a volume is a one-channel clip whose frames are the
/// depth slices (<c>[D, H, W, 1]</c>); <see cref="ToTensors"/> is the fast path for whole-split training.
/// </summary>
public sealed class MedMnist3DSplit : IVideoDataset
{
    private readonly byte[] _images;
    private readonly int[] _labels;

    internal MedMnist3DSplit(DatasetSplit part, IReadOnlyList<string> classNames, byte[] images, int[] labels, int depth, int height, int width)
    {
        Part = part;
        ClassNames = classNames;
        _images = images;
        _labels = labels;
        Depth = depth;
        Height = height;
        Width = width;
    }

    /// <summary>Which split this is.</summary>
    public DatasetSplit Part { get; }

    /// <inheritdoc />
    public IReadOnlyList<string> ClassNames { get; }

    /// <inheritdoc />
    public int Count => _labels.Length;

    /// <summary>Slices per volume.</summary>
    public int Depth { get; }

    /// <summary>Rows per slice.</summary>
    public int Height { get; }

    /// <summary>Columns per slice.</summary>
    public int Width { get; }

    /// <summary>Bytes per volume.</summary>
    public int VolumeSize => Depth * Height * Width;

    /// <summary>All labels, in sample order.</summary>
    public IReadOnlyList<int> Labels => _labels;

    /// <inheritdoc />
    public int GetLabel(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        return _labels[index];
    }

    /// <summary>Volume <paramref name="index"/> as frames <c>[D, H, W, 1]</c> (a copy); <paramref name="random"/> is not used.</summary>
    public VideoSample GetSample(int index, Random? random = null)
    {
        int label = GetLabel(index);
        var data = _images.AsSpan(index * VolumeSize, VolumeSize).ToArray();
        return new VideoSample(new VideoFrames(data, Depth, Height, Width, 1), label);
    }

    /// <summary>The raw bytes of volume <paramref name="index"/> (<c>[D, H, W]</c>, C order), without a copy.</summary>
    public ReadOnlySpan<byte> GetVolume(int index)
    {
        GetLabel(index);
        return _images.AsSpan(index * VolumeSize, VolumeSize);
    }

    /// <summary>Samples per class, indexed by label.</summary>
    public int[] LabelCounts()
    {
        var counts = new int[ClassNames.Count];
        foreach (var l in _labels) counts[l]++;
        return counts;
    }

    /// <summary>
    /// The whole split as volumes <c>[N, D, 1, H, W]</c> float32 in [0, 1] (depth in the clip's time position, one channel)
    /// and labels <c>[N]</c> int64, registered in the current dispose scope. A 64³ training split takes about 1.2 GB.
    /// </summary>
    public (Tensor Images, Tensor Labels) ToTensors()
    {
        using var scope = NewDisposeScope();
        var raw = from_array(_images).view(Count, Depth, 1, Height, Width);
        var images = raw.to(float32).div(255.0);
        var labels = tensor(_labels.Select(l => (long)l).ToArray());
        return (images.MoveToOuterDisposeScope(), labels.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// An in-memory batch source over <see cref="ToTensors"/>: batches <c>[B, D, 1, H, W]</c> float32 and int64 labels,
    /// reshuffled every epoch from <paramref name="seed"/>. Dispose it to free the tensors.
    /// </summary>
    public TensorBatchSource ToBatchSource(int batchSize, bool shuffle = true, bool dropLast = false, int seed = 0)
    {
        using var scope = NewDisposeScope();
        var (images, labels) = ToTensors();
        return new TensorBatchSource(images, labels, batchSize, ClassNames, shuffle, dropLast, seed);
    }
}
