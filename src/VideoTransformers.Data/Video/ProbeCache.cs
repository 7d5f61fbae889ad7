using System.Collections.Concurrent;

namespace VideoTransformers.Data.Video;

/// <summary>
/// Probe results kept per process, keyed by the file's full path, length and last write time and by the ffprobe that
/// read it, so a sampler that opens the same file again and again starts ffprobe once. Rewriting or touching a file
/// changes its key, and failures are never cached.
/// </summary>
internal static class ProbeCache
{
    // Far above any dataset's file count; reaching it clears the cache rather than tracking recency.
    internal const int Capacity = 100_000;

    private static readonly ConcurrentDictionary<Key, VideoInfo> Entries = new();

    private readonly record struct Key(string Path, long Length, DateTime LastWriteUtc, string FFprobe);

    /// <summary>The cached probe of <paramref name="fullPath"/>, or a fresh one that is then cached.</summary>
    public static VideoInfo GetOrProbe(string fullPath, FFmpegTools tools, CancellationToken cancellationToken)
    {
        var file = new FileInfo(fullPath);
        var key = new Key(fullPath, file.Length, file.LastWriteTimeUtc, tools.FFprobe);
        if (Entries.TryGetValue(key, out var info)) return info;
        info = VideoProbe.Probe(fullPath, tools, cancellationToken);
        if (Entries.Count >= Capacity) Entries.Clear();
        Entries[key] = info;
        return info;
    }

    /// <summary>Forgets every cached probe.</summary>
    public static void Clear() => Entries.Clear();
}
