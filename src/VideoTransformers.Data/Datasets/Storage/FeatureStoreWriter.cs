using System.Runtime.InteropServices;
using System.Text.Json;

namespace VideoTransformers.Data.Datasets;

/// <summary>
/// Writes a <see cref="FeatureStore"/>: a zero-initialised little-endian float32 file of
/// <c>[videos, max_len, dim]</c> filled one video at a time, and its JSON index on <see cref="Complete"/>.
/// </summary>
public sealed class FeatureStoreWriter : IDisposable
{
    private readonly FileStream _stream;
    private readonly FeatureIndexEntry?[] _entries;
    private bool _completed;

    private FeatureStoreWriter(string dataPath, string indexPath, int videos, int maxLength, int dimension)
    {
        DataPath = dataPath;
        IndexPath = indexPath;
        Videos = videos;
        MaxLength = maxLength;
        Dimension = dimension;
        _entries = new FeatureIndexEntry?[videos];
        var dir = Path.GetDirectoryName(dataPath);
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        _stream = new FileStream(dataPath, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 20);
        _stream.SetLength((long)videos * maxLength * dimension * sizeof(float));
    }

    /// <summary>The float32 data file.</summary>
    public string DataPath { get; }

    /// <summary>The JSON index file.</summary>
    public string IndexPath { get; }

    /// <summary>Number of videos.</summary>
    public int Videos { get; }

    /// <summary>Feature rows reserved per video.</summary>
    public int MaxLength { get; }

    /// <summary>Feature dimension.</summary>
    public int Dimension { get; }

    /// <summary>Creates the files; the index defaults to <paramref name="dataPath"/> with a <c>.json</c> extension.</summary>
    public static FeatureStoreWriter Create(string dataPath, int videos, int maxLength, int dimension, string? indexPath = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataPath);
        ArgumentOutOfRangeException.ThrowIfNegative(videos);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        var full = Path.GetFullPath(dataPath);
        return new FeatureStoreWriter(full, Path.GetFullPath(indexPath ?? Path.ChangeExtension(full, ".json")), videos, maxLength, dimension);
    }

    /// <summary>
    /// Stores the features of video <paramref name="videoIndex"/>: <paramref name="features"/> is
    /// <c>[length, dim]</c> row-major with <c>length ≤ MaxLength</c>; the remaining rows stay zero.
    /// </summary>
    public void Write(int videoIndex, string videoName, int label, ReadOnlySpan<float> features)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        ArgumentOutOfRangeException.ThrowIfNegative(videoIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(videoIndex, Videos);
        ArgumentNullException.ThrowIfNull(videoName);
        if (features.Length % Dimension != 0)
            throw new ArgumentException($"Features of '{videoName}' hold {features.Length} values, not a multiple of dim {Dimension}.", nameof(features));
        int length = features.Length / Dimension;
        if (length > MaxLength)
            throw new ArgumentException($"Video '{videoName}' has {length} feature rows, more than max_len {MaxLength}.", nameof(features));
        if (_entries[videoIndex] is not null) throw new InvalidOperationException($"Video {videoIndex} was already written.");
        _stream.Position = (long)videoIndex * MaxLength * Dimension * sizeof(float);
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("Feature stores are little-endian.");
        _stream.Write(MemoryMarshal.AsBytes(features));
        _entries[videoIndex] = new FeatureIndexEntry(videoIndex, videoName, length, label);
    }

    /// <summary>Flushes the data and writes the index; every video must have been written.</summary>
    public void Complete()
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        int missing = _entries.Count(e => e is null);
        if (missing > 0) throw new InvalidOperationException($"{missing} of {Videos} videos were not written to '{DataPath}'.");
        _stream.Flush(flushToDisk: true);
        _stream.Dispose();
        var index = new FeatureIndex(Videos, MaxLength, Dimension, "float32", _entries.Select(e => e!).ToList());
        File.WriteAllText(IndexPath, JsonSerializer.Serialize(index, new JsonSerializerOptions { WriteIndented = true }));
        _completed = true;
    }

    /// <summary>Closes the data file; without <see cref="Complete"/> no index is written.</summary>
    public void Dispose()
    {
        _stream.Dispose();
        _completed = true;
    }
}
