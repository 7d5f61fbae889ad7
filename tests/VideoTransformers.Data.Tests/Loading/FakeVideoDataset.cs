using VideoTransformers.Data.Datasets;
using VideoTransformers.Data.Video;

namespace VideoTransformers.Data.Tests.Loading;

/// <summary>
/// Clips whose bytes encode (index, frame), labels index % classes, a random temporal offset when given a Random,
/// and optional failures or odd shapes at chosen indices.
/// </summary>
internal sealed class FakeVideoDataset : IVideoDataset
{
    private int _loads;

    public FakeVideoDataset(int count, int classes = 3, int frames = 6, int size = 8)
    {
        Count = count;
        ClassNames = Enumerable.Range(0, classes).Select(i => $"c{i}").ToArray();
        Frames = frames;
        Size = size;
    }

    public IReadOnlyList<string> ClassNames { get; }
    public int Count { get; }
    public int Frames { get; }
    public int Size { get; }
    public int FailAt { get; init; } = -1;
    public int OddShapeAt { get; init; } = -1;
    public int Loads => Volatile.Read(ref _loads);

    public int GetLabel(int index) => index % ClassNames.Count;

    public VideoSample GetSample(int index, Random? random = null)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        Interlocked.Increment(ref _loads);
        if (index == FailAt) throw new IOException($"disk error reading item {index}");
        int size = index == OddShapeAt ? Size + 2 : Size;
        int offset = random?.Next(50) ?? 0;
        var data = new byte[Frames * size * size];
        for (int t = 0; t < Frames; t++)
        for (int p = 0; p < size * size; p++)
            data[(t * size * size) + p] = (byte)((index * 7 + (t + offset) * 3 + p) % 256);
        return new VideoSample(new VideoFrames(data, Frames, size, size, 1), GetLabel(index));
    }
}
