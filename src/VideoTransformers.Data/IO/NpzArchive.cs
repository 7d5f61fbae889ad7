using System.IO.Compression;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace VideoTransformers.Data.IO;

/// <summary>
/// A NumPy <c>.npz</c> archive opened for reading: a zip file whose members <c>key.npy</c> each hold
/// one array. Stored and deflated members are both supported. Members are read on demand.
/// </summary>
public sealed class NpzArchive : IDisposable
{
    private readonly ZipArchive _zip;
    private readonly string _source;
    private readonly Dictionary<string, ZipArchiveEntry> _entries;

    private NpzArchive(ZipArchive zip, string source)
    {
        _zip = zip;
        _source = source;
        _entries = new Dictionary<string, ZipArchiveEntry>(StringComparer.Ordinal);
        foreach (var entry in zip.Entries)
        {
            // Like numpy.load: 'x.npy' is exposed as 'x'; any other member keeps its full name.
            var key = entry.FullName.EndsWith(".npy", StringComparison.Ordinal) ? entry.FullName[..^4] : entry.FullName;
            _entries[key] = entry;
        }
        Keys = _entries.Keys.Order(StringComparer.Ordinal).ToArray();
    }

    /// <summary>The array keys (member names without <c>.npy</c>), sorted ordinally.</summary>
    public IReadOnlyList<string> Keys { get; }

    /// <summary>Opens the archive at <paramref name="path"/>.</summary>
    /// <exception cref="InvalidDataException">The file is not a zip archive, or it is truncated (no central directory).</exception>
    public static NpzArchive Open(string path, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        try
        {
            var archive = Open(stream, path);
            (logger ?? NullLogger.Instance).LogDebug("Opened {Path} with keys {Keys}", path, string.Join(", ", archive.Keys));
            return archive;
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Opens an archive held in a seekable <paramref name="stream"/>; disposing the archive disposes the stream.</summary>
    /// <param name="stream">The archive bytes.</param>
    /// <param name="sourceName">How to name the source in error messages.</param>
    /// <exception cref="InvalidDataException">The stream is not a zip archive, or it is truncated.</exception>
    public static NpzArchive Open(Stream stream, string? sourceName = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var source = sourceName ?? "<stream>";
        ZipArchive zip;
        try
        {
            zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: false);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException(
                $"'{source}' is not a valid .npz archive: the zip central directory is missing or damaged, so the file is truncated or not a zip file ({e.Message}).", e);
        }
        return new NpzArchive(zip, source);
    }

    /// <summary>True when the archive holds an array named <paramref name="key"/>.</summary>
    public bool ContainsKey(string key) => _entries.ContainsKey(key);

    /// <summary>Reads the array named <paramref name="key"/> (the member <c>key.npy</c>).</summary>
    /// <exception cref="InvalidDataException">The key is missing (the message lists the available keys), or the member is not a valid array.</exception>
    public NpyArray Read(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!_entries.TryGetValue(key, out var entry))
            throw new InvalidDataException(
                $"'{_source}' has no array '{key}'. Available keys: {(Keys.Count == 0 ? "(none)" : string.Join(", ", Keys))}.");
        var memberSource = $"{_source}:{entry.FullName}";
        try
        {
            using var member = entry.Open();
            return NpyReader.Read(member, memberSource);
        }
        catch (InvalidDataException e) when (!e.Message.StartsWith($"'{memberSource}'", StringComparison.Ordinal))
        {
            // Corrupt deflate data or a bad local header surfaces from System.IO.Compression without the file name.
            throw new InvalidDataException($"'{memberSource}' cannot be read: {e.Message}", e);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _zip.Dispose();
}
