using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using VideoTransformers.Data.Video;

namespace VideoTransformers.Data.Datasets;

/// <summary>
/// Decoded, resized frames of a list of videos, written once to <c>frames.u8</c> (all videos back to back
/// as <c>[T, H, W, C]</c> bytes) plus <c>manifest.json</c> (per-video offsets and shapes) and read back by
/// memory mapping, with no decoding.
/// </summary>
/// <remarks>
/// The manifest stores a key hashing every source's full path, size and modification time together with
/// the decode options; <see cref="OpenOrBuild"/> rebuilds the cache whenever the key differs or the data
/// file has the wrong size. Spans returned by <see cref="GetSpan"/> stay valid until the cache is disposed.
/// </remarks>
public sealed class FrameCache : IDisposable
{
    /// <summary>Name of the data file inside the cache folder.</summary>
    public const string DataFileName = "frames.u8";

    /// <summary>Name of the manifest inside the cache folder.</summary>
    public const string ManifestFileName = "manifest.json";

    private const int FormatVersion = 1;
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    private readonly MappedFile _data;
    private readonly Dictionary<string, int> _byPath;

    private FrameCache(string directory, FrameCacheManifest manifest, bool built)
    {
        Directory = directory;
        Key = manifest.Key;
        Entries = manifest.Entries;
        WasBuilt = built;
        _byPath = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < manifest.Entries.Count; i++) _byPath[manifest.Entries[i].SourcePath] = i;
        _data = new MappedFile(Path.Combine(directory, DataFileName));
    }

    /// <summary>The cache folder.</summary>
    public string Directory { get; }

    /// <summary>Hash of the sources and decode options the cache was built from.</summary>
    public string Key { get; }

    /// <summary>True when this call decoded the videos; false when an up-to-date cache was reused.</summary>
    public bool WasBuilt { get; }

    /// <summary>Per-video locations, in source order.</summary>
    public IReadOnlyList<FrameCacheEntry> Entries { get; }

    /// <summary>Number of videos.</summary>
    public int Count => Entries.Count;

    /// <summary>
    /// Opens the cache in <paramref name="directory"/> if it was built from exactly these sources and options,
    /// otherwise decodes every source and rewrites it.
    /// </summary>
    /// <exception cref="FileNotFoundException">A source is missing.</exception>
    /// <exception cref="VideoDecodeException">A source cannot be decoded.</exception>
    public static FrameCache OpenOrBuild(string directory, IReadOnlyList<string> sources, VideoDecodeOptions options,
        IProgress<(int Done, int Total)>? progress = null, ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(options);
        logger ??= NullLogger.Instance;
        var dir = Path.GetFullPath(directory);
        var full = sources.Select(Path.GetFullPath).ToList();
        var key = ComputeKey(full, options);
        var reason = CheckExisting(dir, key, out var manifest);
        if (reason is null)
        {
            logger.LogDebug("Frame cache {Directory} is up to date ({Count} videos)", dir, manifest!.Entries.Count);
            return new FrameCache(dir, manifest, built: false);
        }
        logger.LogInformation("Building frame cache {Directory} for {Count} videos: {Reason}", dir, full.Count, reason);
        manifest = Build(dir, full, options, key, progress, cancellationToken);
        return new FrameCache(dir, manifest, built: true);
    }

    /// <summary>
    /// The cache key of <paramref name="sources"/> decoded with <paramref name="options"/>: a SHA-256 over each
    /// file's full path, size and last-write time and the options. Missing files throw <see cref="FileNotFoundException"/>.
    /// </summary>
    public static string ComputeKey(IReadOnlyList<string> sources, VideoDecodeOptions options)
    {
        var sb = new StringBuilder();
        sb.Append("frame-cache v").Append(FormatVersion).Append('\n').Append(options.ToKey()).Append('\n');
        foreach (var s in sources)
        {
            var fi = new FileInfo(Path.GetFullPath(s));
            if (!fi.Exists) throw new FileNotFoundException($"Video file '{fi.FullName}' does not exist.", fi.FullName);
            sb.Append(fi.FullName).Append('|').Append(fi.Length.ToString(CultureInfo.InvariantCulture)).Append('|')
              .Append(fi.LastWriteTimeUtc.Ticks.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString()))).ToLowerInvariant();
    }

    /// <summary>Index of the video decoded from <paramref name="sourcePath"/>, or -1.</summary>
    public int IndexOf(string sourcePath) => _byPath.TryGetValue(Path.GetFullPath(sourcePath), out var i) ? i : -1;

    /// <summary>The frames of video <paramref name="index"/> as <c>[T, H, W, C]</c> bytes, straight from the mapping.</summary>
    public ReadOnlySpan<byte> GetSpan(int index)
    {
        var e = Entries[index];
        return _data.Span<byte>(e.Offset, checked((int)e.ByteLength));
    }

    /// <summary>A copy of the frames of video <paramref name="index"/>.</summary>
    public VideoFrames GetFrames(int index)
    {
        var e = Entries[index];
        return new VideoFrames(GetSpan(index).ToArray(), e.Frames, e.Height, e.Width, e.Channels);
    }

    /// <summary>A copy of frames <paramref name="frameIndices"/> (in that order, repeats allowed) of video <paramref name="index"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A frame index is outside the video.</exception>
    public VideoFrames GetFrames(int index, IReadOnlyList<int> frameIndices)
    {
        ArgumentNullException.ThrowIfNull(frameIndices);
        var e = Entries[index];
        var all = GetSpan(index);
        int frameBytes = e.Height * e.Width * e.Channels;
        var data = new byte[frameIndices.Count * frameBytes];
        for (int t = 0; t < frameIndices.Count; t++)
        {
            int f = frameIndices[t];
            if ((uint)f >= (uint)e.Frames)
                throw new ArgumentOutOfRangeException(nameof(frameIndices), f, $"Video '{e.SourcePath}' has {e.Frames} frames in the cache.");
            all.Slice(f * frameBytes, frameBytes).CopyTo(data.AsSpan(t * frameBytes, frameBytes));
        }
        return new VideoFrames(data, frameIndices.Count, e.Height, e.Width, e.Channels);
    }

    /// <inheritdoc />
    public void Dispose() => _data.Dispose();

    private static string? CheckExisting(string dir, string key, out FrameCacheManifest? manifest)
    {
        manifest = null;
        var manifestPath = Path.Combine(dir, ManifestFileName);
        var dataPath = Path.Combine(dir, DataFileName);
        if (!File.Exists(manifestPath) || !File.Exists(dataPath)) return "no cache yet";
        try
        {
            manifest = JsonSerializer.Deserialize<FrameCacheManifest>(File.ReadAllText(manifestPath), Json);
        }
        catch (JsonException ex)
        {
            return "manifest is unreadable (" + ex.Message + ")";
        }
        if (manifest is null || manifest.Version != FormatVersion) return "manifest has another format version";
        if (manifest.Key != key) return "sources or decode options changed";
        long length = new FileInfo(dataPath).Length;
        if (length != manifest.TotalBytes || manifest.Entries.Sum(e => e.ByteLength) != length)
            return $"data file holds {length} bytes, manifest expects {manifest.TotalBytes}";
        return null;
    }

    private static FrameCacheManifest Build(string dir, List<string> sources, VideoDecodeOptions options, string key,
        IProgress<(int Done, int Total)>? progress, CancellationToken ct)
    {
        System.IO.Directory.CreateDirectory(dir);
        var dataPath = Path.Combine(dir, DataFileName);
        var manifestPath = Path.Combine(dir, ManifestFileName);
        var tmpData = dataPath + ".tmp";
        var tmpManifest = manifestPath + ".tmp";
        // The old manifest goes first so that a crash part way never leaves a valid-looking cache.
        File.Delete(manifestPath);
        var entries = new List<FrameCacheEntry>(sources.Count);
        long offset = 0;
        try
        {
            using (var fs = new FileStream(tmpData, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
            {
                // Starting ffmpeg costs more than decoding a short clip, so every core's single-threaded ffmpeg run
                // decodes several files (VideoBatchDecoder's batched path); a window of them is decoded at once, then
                // written in source order. 16 files a run against 8 took UCF101 whole videos at 112x112 from 43-45 % to
                // 51-52 % of the old in-process decoder's speed; the window bounds the decoded frames held in memory,
                // so frames over 64 KiB (or of unknown, native size) keep 8.
                long frameBytes = (long)options.Width * options.Height * (int)options.Format;
                int filesPerRun = frameBytes is > 0 and <= 64 * 1024 ? 16 : 8;
                int cores = Math.Max(1, Environment.ProcessorCount);
                int window = cores * filesPerRun;
                var decoder = new VideoBatchDecoder(options, maxDegreeOfParallelism: cores) { MaxFilesPerRun = filesPerRun };
                for (int first = 0; first < sources.Count; first += window)
                {
                    ct.ThrowIfCancellationRequested();
                    var batch = decoder.DecodeAll(sources.GetRange(first, Math.Min(window, sources.Count - first)), cancellationToken: ct);
                    foreach (var v in batch.Videos)
                    {
                        var frames = v.Frames;
                        fs.Write(frames.Data);
                        entries.Add(new FrameCacheEntry(v.FilePath, offset, frames.Frames, frames.Height, frames.Width, frames.Channels, v.Fps));
                        offset += frames.Data.Length;
                        progress?.Report((entries.Count, sources.Count));
                    }
                }
            }
            var manifest = new FrameCacheManifest(FormatVersion, key, options.ToKey(), offset, entries);
            File.WriteAllText(tmpManifest, JsonSerializer.Serialize(manifest, Json));
            File.Move(tmpData, dataPath, overwrite: true);
            File.Move(tmpManifest, manifestPath, overwrite: true);
            return manifest;
        }
        catch
        {
            File.Delete(tmpData);
            File.Delete(tmpManifest);
            throw;
        }
    }
}
