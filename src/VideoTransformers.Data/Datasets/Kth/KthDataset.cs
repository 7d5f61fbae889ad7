using VideoTransformers.Data.Video;

namespace VideoTransformers.Data.Datasets;

/// <summary>
/// KTH samples of <c>[T, H, W, 1]</c> grayscale frames cut as <see cref="KthSamplingOptions"/> describes,
/// decoded on demand or read from a <see cref="FrameCache"/> of whole clips.
/// </summary>
public sealed class KthDataset : IVideoDataset
{
    private readonly FrameCache? _cache;

    /// <summary>Creates a dataset over <paramref name="clips"/>.</summary>
    /// <param name="clips">Clips, usually from <see cref="KthLayout.Select"/>.</param>
    /// <param name="options">Sampling; the KTH FrameViT study's defaults when null.</param>
    /// <param name="sequences">The subsequence list; required when <see cref="KthSamplingOptions.UseSubsequences"/> is set.</param>
    /// <param name="cache">Whole clips decoded at the sampling size in gray; every clip must be in it.</param>
    public KthDataset(IReadOnlyList<KthClip> clips, KthSamplingOptions? options = null, KthSequences? sequences = null, FrameCache? cache = null)
    {
        ArgumentNullException.ThrowIfNull(clips);
        Options = (options ?? new KthSamplingOptions()).Validate();
        if (Options.UseSubsequences && sequences is null)
            throw new ArgumentException("UseSubsequences needs the KTH sequences file (00sequences.txt).", nameof(sequences));
        if (cache is not null)
        {
            foreach (var c in clips)
            {
                int i = cache.IndexOf(c.FilePath);
                if (i < 0) throw new ArgumentException($"Frame cache '{cache.Directory}' has no entry for '{c.FilePath}'.", nameof(cache));
                var e = cache.Entries[i];
                if (e.Width != Options.Width || e.Height != Options.Height || e.Channels != 1)
                    throw new ArgumentException($"Frame cache '{cache.Directory}' holds {e.Width}x{e.Height}x{e.Channels} frames, " +
                                                $"the dataset needs {Options.Width}x{Options.Height}x1.", nameof(cache));
            }
        }
        _cache = cache;
        var items = new List<KthItem>();
        foreach (var clip in clips)
        {
            if (Options.UseSubsequences && sequences!.TryGet(clip.Name, out var entry))
                items.AddRange(entry.Ranges.Select(r => new KthItem(clip, r)));
            else
                items.Add(new KthItem(clip, null));
        }
        Items = items;
    }

    /// <summary>A dataset of the clips in <paramref name="layout"/> that <paramref name="split"/> assigns to <paramref name="part"/>.</summary>
    public static KthDataset Create(KthLayout layout, KthSplit split, DatasetSplit part, KthSamplingOptions? options = null,
        KthSequences? sequences = null, FrameCache? cache = null)
    {
        ArgumentNullException.ThrowIfNull(layout);
        return new KthDataset(layout.Select(split, part), options, sequences, cache);
    }

    /// <summary>The sampling options.</summary>
    public KthSamplingOptions Options { get; }

    /// <summary>Sample sources, one per clip or per subsequence.</summary>
    public IReadOnlyList<KthItem> Items { get; }

    /// <inheritdoc />
    public IReadOnlyList<string> ClassNames => KthLayout.ClassNames;

    /// <inheritdoc />
    public int Count => Items.Count;

    /// <inheritdoc />
    public int GetLabel(int index) => Items[index].Clip.Label;

    /// <inheritdoc />
    public VideoSample GetSample(int index, Random? random = null)
    {
        var item = Items[index];
        int w = Options.Width, h = Options.Height;
        if (_cache is not null)
        {
            int ci = _cache.IndexOf(item.Clip.FilePath);
            return new VideoSample(_cache.GetFrames(ci, Indices(item, _cache.Entries[ci].Frames, random)), item.Clip.Label);
        }
        using var reader = VideoReader.Open(item.Clip.FilePath);
        var indices = Indices(item, reader.FrameCount, random);
        return new VideoSample(reader.DecodeIndices(indices, w, h, PixelFormat.Gray), item.Clip.Label);
    }

    private int[] Indices(KthItem item, int frameCount, Random? random)
    {
        if (frameCount <= 0) throw new InvalidDataException($"KTH clip '{item.Clip.FilePath}' has no frames.");
        int first = 0, last = frameCount - 1;
        if (item.Range is not null)
        {
            // The list occasionally reaches past the end of a clip; never sample frames that do not exist.
            first = Math.Min(item.Range.StartIndex, frameCount - 1);
            last = Math.Min(item.Range.EndIndex, frameCount - 1);
        }
        return Options.SampleIndices(first, last, random);
    }
}
