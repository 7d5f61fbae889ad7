using System.Text.Json;

namespace VideoTransformers.Data.Datasets;

/// <summary>
/// Precomputed per-frame features (the UCF101-features ActionBERT study): a memory-mapped little-endian float32 file shaped
/// <c>[videos, max_len, dim]</c> and a JSON index whose entries hold <c>video_idx</c>, <c>video_name</c>,
/// <c>video_length</c> and <c>label_idx</c>. The index is either the object <see cref="FeatureStoreWriter"/>
/// writes (with <c>videos</c>, <c>max_len</c>, <c>dim</c>) or a bare array of entries, in which case
/// <c>max_len</c> is the longest <c>video_length</c> and <c>dim</c> follows from the file size.
/// </summary>
public sealed class FeatureStore : IDisposable
{
    private readonly MappedFile _data;
    private readonly FeatureIndexEntry[] _byVideo;

    private FeatureStore(string dataPath, string indexPath, FeatureIndex index, MappedFile data)
    {
        DataPath = dataPath;
        IndexPath = indexPath;
        Count = index.Videos;
        MaxLength = index.MaxLength;
        Dimension = index.Dimension;
        _data = data;
        _byVideo = new FeatureIndexEntry[Count];
        foreach (var e in index.Entries) _byVideo[e.VideoIndex] = e;
    }

    /// <summary>The float32 data file.</summary>
    public string DataPath { get; }

    /// <summary>The JSON index file.</summary>
    public string IndexPath { get; }

    /// <summary>Number of videos.</summary>
    public int Count { get; }

    /// <summary>Feature rows per video, including padding.</summary>
    public int MaxLength { get; }

    /// <summary>Feature dimension.</summary>
    public int Dimension { get; }

    /// <summary>Index entries ordered by <see cref="FeatureIndexEntry.VideoIndex"/>.</summary>
    public IReadOnlyList<FeatureIndexEntry> Entries => _byVideo;

    /// <summary>Opens a store; the index defaults to <paramref name="dataPath"/> with a <c>.json</c> extension.</summary>
    /// <exception cref="FileNotFoundException">A file is missing.</exception>
    /// <exception cref="InvalidDataException">The data size does not match the index, or the index is inconsistent.</exception>
    public static FeatureStore Open(string dataPath, string? indexPath = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataPath);
        var data = Path.GetFullPath(dataPath);
        var idx = Path.GetFullPath(indexPath ?? Path.ChangeExtension(data, ".json"));
        if (!File.Exists(data)) throw new FileNotFoundException($"Feature file '{data}' does not exist.", data);
        if (!File.Exists(idx)) throw new FileNotFoundException($"Feature index '{idx}' does not exist.", idx);
        long bytes = new FileInfo(data).Length;
        var index = ReadIndex(idx, bytes);
        long expected = (long)index.Videos * index.MaxLength * index.Dimension * sizeof(float);
        if (bytes != expected)
            throw new InvalidDataException($"Feature file '{data}' holds {bytes} bytes but index '{idx}' describes " +
                                           $"[{index.Videos}, {index.MaxLength}, {index.Dimension}] float32 = {expected} bytes.");
        Validate(index, idx);
        return new FeatureStore(data, idx, index, new MappedFile(data));
    }

    /// <summary>The <c>[video_length, dim]</c> valid rows of video <paramref name="videoIndex"/>.</summary>
    public ReadOnlySpan<float> GetFeatures(int videoIndex) =>
        _data.Span<float>(Offset(videoIndex), _byVideo[videoIndex].VideoLength * Dimension);

    /// <summary>The full <c>[max_len, dim]</c> block of video <paramref name="videoIndex"/>, zero padded.</summary>
    public ReadOnlySpan<float> GetPadded(int videoIndex) => _data.Span<float>(Offset(videoIndex), MaxLength * Dimension);

    /// <inheritdoc />
    public void Dispose() => _data.Dispose();

    private long Offset(int videoIndex)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(videoIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(videoIndex, Count);
        return (long)videoIndex * MaxLength * Dimension * sizeof(float);
    }

    private static FeatureIndex ReadIndex(string path, long dataBytes)
    {
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            if (doc.RootElement.ValueKind == JsonValueKind.Array)
            {
                var entries = doc.RootElement.Deserialize<List<FeatureIndexEntry>>() ?? [];
                int videos = entries.Count;
                int maxLen = entries.Count == 0 ? 0 : entries.Max(e => e.VideoLength);
                long perRow = (long)videos * maxLen * sizeof(float);
                if (perRow == 0 || dataBytes % perRow != 0)
                    throw new InvalidDataException($"Feature index '{path}' lists {videos} videos of up to {maxLen} rows, " +
                                                   $"which does not divide the {dataBytes}-byte data file into float32 features.");
                return new FeatureIndex(videos, maxLen, checked((int)(dataBytes / perRow)), "float32", entries);
            }
            var index = doc.RootElement.Deserialize<FeatureIndex>()
                ?? throw new InvalidDataException($"Feature index '{path}' is empty.");
            if (index.DType is not null && index.DType != "float32")
                throw new InvalidDataException($"Feature index '{path}' has dtype '{index.DType}'; only float32 is supported.");
            return index with { Entries = index.Entries ?? [] };
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"Feature index '{path}' is not valid JSON: {ex.Message}", ex);
        }
    }

    private static void Validate(FeatureIndex index, string path)
    {
        if (index.Videos < 0 || index.MaxLength < 0 || index.Dimension < 1)
            throw new InvalidDataException($"Feature index '{path}' has an invalid shape [{index.Videos}, {index.MaxLength}, {index.Dimension}].");
        if (index.Entries.Count != index.Videos)
            throw new InvalidDataException($"Feature index '{path}' declares {index.Videos} videos but lists {index.Entries.Count}.");
        var seen = new bool[index.Videos];
        foreach (var e in index.Entries)
        {
            if (e.VideoIndex < 0 || e.VideoIndex >= index.Videos || seen[e.VideoIndex])
                throw new InvalidDataException($"Feature index '{path}': video_idx {e.VideoIndex} of '{e.VideoName}' is out of range or repeated.");
            if (e.VideoLength < 0 || e.VideoLength > index.MaxLength)
                throw new InvalidDataException($"Feature index '{path}': video '{e.VideoName}' has video_length {e.VideoLength}, outside 0..{index.MaxLength}.");
            seen[e.VideoIndex] = true;
        }
    }
}
