using System.IO.Compression;

namespace VideoTransformers.Data.IO;

/// <summary>
/// Writes NumPy <c>.npz</c> archives: a zip file with one <c>key.npy</c> member per array, as
/// <c>numpy.savez</c> (stored) or <c>numpy.savez_compressed</c> (deflated) would.
/// </summary>
public static class NpzWriter
{
    /// <summary>Writes the arrays to a new archive at <paramref name="path"/>, replacing any existing file.</summary>
    /// <param name="path">The archive to create.</param>
    /// <param name="arrays">Arrays by key; each becomes the member <c>key.npy</c>.</param>
    /// <param name="compress">Deflate the members (like <c>savez_compressed</c>) instead of storing them.</param>
    public static void Write(string path, IEnumerable<KeyValuePair<string, NpyArray>> arrays, bool compress = false)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        Write(stream, arrays, compress);
    }

    /// <summary>Writes the arrays as an archive into <paramref name="stream"/>, which is left open.</summary>
    /// <exception cref="ArgumentException">A key is empty or repeated.</exception>
    public static void Write(Stream stream, IEnumerable<KeyValuePair<string, NpyArray>> arrays, bool compress = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(arrays);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
        foreach (var (key, array) in arrays)
        {
            if (string.IsNullOrEmpty(key)) throw new ArgumentException("An npz key must not be empty.", nameof(arrays));
            if (!seen.Add(key)) throw new ArgumentException($"The npz key '{key}' appears twice.", nameof(arrays));
            ArgumentNullException.ThrowIfNull(array);
            var entry = zip.CreateEntry(key + ".npy", compress ? CompressionLevel.Optimal : CompressionLevel.NoCompression);
            using var member = entry.Open();
            NpyWriter.Write(member, array);
        }
    }
}
