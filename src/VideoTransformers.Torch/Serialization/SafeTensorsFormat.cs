using System.Buffers.Binary;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace VideoTransformers.Torch.Serialization;

/// <summary>
/// Reads and writes the raw safetensors format (https://github.com/huggingface/safetensors), independent
/// of any tensor type: an 8-byte little-endian header length N, N bytes of UTF-8 JSON
/// <c>{name: {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {str: str}}</c>, then the
/// data buffer of little-endian C-order tensor bytes that the offsets cover exactly.
/// </summary>
public static class SafeTensorsFormat
{
    /// <summary>The reserved header key of the string-to-string metadata map.</summary>
    public const string MetadataKey = "__metadata__";

    // The reference implementation refuses headers over 100 MB; anything larger is corruption, not a model.
    private const long MaxHeaderLength = 100_000_000;

    private static readonly Dictionary<string, int> DTypeSizes = new(StringComparer.Ordinal)
    {
        ["F64"] = 8, ["F32"] = 4, ["F16"] = 2, ["BF16"] = 2,
        ["I64"] = 8, ["I32"] = 4, ["I16"] = 2, ["I8"] = 1,
        ["U64"] = 8, ["U32"] = 4, ["U16"] = 2, ["U8"] = 1,
        ["BOOL"] = 1,
    };

    /// <summary>The dtype strings this implementation accepts.</summary>
    public static IReadOnlyCollection<string> SupportedDTypes => DTypeSizes.Keys;

    /// <summary>Bytes per element of a safetensors dtype (<c>F64</c>, <c>F32</c>, <c>F16</c>, <c>BF16</c>, <c>I64</c>, <c>I32</c>, <c>I16</c>, <c>I8</c>, <c>U64</c>, <c>U32</c>, <c>U16</c>, <c>U8</c>, <c>BOOL</c>).</summary>
    /// <exception cref="NotSupportedException">The dtype is unknown.</exception>
    public static int DTypeSize(string dtype) =>
        DTypeSizes.TryGetValue(dtype, out var size)
            ? size
            : throw new NotSupportedException($"Unknown safetensors dtype '{dtype}'. Supported: {string.Join(", ", DTypeSizes.Keys)}.");

    /// <summary>Writes the tensors and metadata to a new file at <paramref name="path"/>, replacing any existing file.</summary>
    public static void Write(string path, IEnumerable<SafeTensorEntry> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        // Write beside the target and rename, so a crash mid-save never leaves a truncated checkpoint behind.
        var temp = path + ".tmp";
        try
        {
            using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
                Write(stream, tensors, metadata);
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    /// <summary>
    /// Writes the tensors and metadata to <paramref name="stream"/> (left open). Tensors are sorted by name
    /// (ordinal), their data is contiguous in that order, and the header is padded with spaces to a multiple of 8 bytes.
    /// </summary>
    /// <exception cref="ArgumentException">A name is empty, repeated or reserved; a dtype is unknown; or a tensor's byte count does not match its shape.</exception>
    public static void Write(Stream stream, IEnumerable<SafeTensorEntry> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(tensors);
        var sorted = tensors.OrderBy(t => t.Name, StringComparer.Ordinal).ToList();
        for (var i = 0; i < sorted.Count; i++)
        {
            var t = sorted[i];
            if (string.IsNullOrEmpty(t.Name)) throw new ArgumentException("A tensor name must not be empty.", nameof(tensors));
            if (t.Name == MetadataKey) throw new ArgumentException($"'{MetadataKey}' is reserved for metadata and cannot name a tensor.", nameof(tensors));
            if (i > 0 && sorted[i - 1].Name == t.Name) throw new ArgumentException($"Tensor name '{t.Name}' appears twice.", nameof(tensors));
            if (!DTypeSizes.TryGetValue(t.DType, out var size))
                throw new ArgumentException($"Tensor '{t.Name}' has unknown dtype '{t.DType}'. Supported: {string.Join(", ", DTypeSizes.Keys)}.", nameof(tensors));
            var numel = ElementCount(t.Shape) ?? throw new ArgumentException($"Tensor '{t.Name}' has an invalid shape [{string.Join(", ", t.Shape)}].", nameof(tensors));
            if (numel * size != t.Data.Length)
                throw new ArgumentException($"Tensor '{t.Name}' of {t.DType} [{string.Join(", ", t.Shape)}] needs {numel * size} bytes but has {t.Data.Length}.", nameof(tensors));
        }

        var json = new System.Buffers.ArrayBufferWriter<byte>();
        // Relaxed escaping keeps names like 'a+b' readable in the header; the JSON is never embedded in HTML.
        using (var w = new Utf8JsonWriter(json, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                w.WriteStartObject(MetadataKey);
                foreach (var (k, v) in metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                {
                    ArgumentNullException.ThrowIfNull(v, $"metadata['{k}']");
                    w.WriteString(k, v);
                }
                w.WriteEndObject();
            }
            long offset = 0;
            foreach (var t in sorted)
            {
                w.WriteStartObject(t.Name);
                w.WriteString("dtype", t.DType);
                w.WriteStartArray("shape");
                foreach (var d in t.Shape) w.WriteNumberValue(d);
                w.WriteEndArray();
                w.WriteStartArray("data_offsets");
                w.WriteNumberValue(offset);
                w.WriteNumberValue(offset + t.Data.Length);
                w.WriteEndArray();
                w.WriteEndObject();
                offset += t.Data.Length;
            }
            w.WriteEndObject();
        }
        var header = json.WrittenSpan;
        // Padding keeps the data buffer 8-byte aligned when the file is memory-mapped.
        var padded = (header.Length + 7) / 8 * 8;
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)padded);
        stream.Write(length);
        stream.Write(header);
        for (var i = header.Length; i < padded; i++) stream.WriteByte((byte)' ');
        foreach (var t in sorted) stream.Write(t.Data.Span);
    }

    /// <summary>Reads and validates the whole file at <paramref name="path"/>.</summary>
    /// <exception cref="InvalidDataException">The file violates the format; the message names the file and, where one is at fault, the tensor.</exception>
    public static SafeTensorsContent Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        return Read(stream, path);
    }

    /// <summary>Reads and validates a safetensors file from the current position of <paramref name="stream"/> to its end.</summary>
    /// <param name="stream">The source; left open.</param>
    /// <param name="sourceName">How to name the source in error messages.</param>
    /// <exception cref="InvalidDataException">The data violates the format.</exception>
    public static SafeTensorsContent Read(Stream stream, string? sourceName = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var source = sourceName ?? "<stream>";
        var header = ReadHeaderCore(stream, source);
        if (header.DataLength > Array.MaxLength)
            throw Invalid(source, $"the data buffer of {header.DataLength} bytes is larger than one .NET array; read tensors individually with ReadHeader");

        var buffer = new byte[header.DataLength];
        var read = ReadFully(stream, buffer);
        if (read < buffer.Length)
        {
            var cut = header.Tensors.First(t => t.End > read);
            throw Invalid(source, $"truncated data: tensor '{cut.Name}' needs bytes {cut.Begin}..{cut.End} of the data buffer but only {read} bytes are present");
        }
        if (stream.ReadByte() >= 0)
            throw Invalid(source, $"the data buffer is longer than the {header.DataLength} bytes the tensors cover");

        var entries = header.Tensors
            .Select(t => new SafeTensorEntry(t.Name, t.DType, t.Shape, new ReadOnlyMemory<byte>(buffer, (int)t.Begin, (int)t.ByteLength)))
            .ToList();
        return new SafeTensorsContent(entries, header.Metadata);
    }

    /// <summary>Reads and validates only the header of the file at <paramref name="path"/>, checking offsets against the file length.</summary>
    /// <exception cref="InvalidDataException">The header violates the format or does not match the file's length.</exception>
    public static SafeTensorsHeader ReadHeader(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        return ReadHeader(stream, path);
    }

    /// <summary>
    /// Reads and validates the header at the current position of a seekable <paramref name="stream"/> (left open,
    /// positioned at the start of the data buffer). Offsets are checked against the stream's length.
    /// </summary>
    /// <exception cref="ArgumentException">The stream cannot seek, so its length is unknown.</exception>
    /// <exception cref="InvalidDataException">The header violates the format or does not match the stream's length.</exception>
    public static SafeTensorsHeader ReadHeader(Stream stream, string? sourceName = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanSeek) throw new ArgumentException("ReadHeader needs a seekable stream to check offsets against its length; use Read for other streams.", nameof(stream));
        return ReadHeaderCore(stream, sourceName ?? "<stream>");
    }

    private static SafeTensorsHeader ReadHeaderCore(Stream stream, string source)
    {
        var start = stream.CanSeek ? stream.Position : 0;
        long? available = stream.CanSeek ? stream.Length - start : null;

        Span<byte> lengthBytes = stackalloc byte[8];
        if (ReadFully(stream, lengthBytes) < 8) throw Invalid(source, "it is shorter than the 8-byte header length");
        var n = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
        if (n < 2 || n > MaxHeaderLength)
            throw Invalid(source, $"the header length {n} is not plausible (expected 2..{MaxHeaderLength} bytes)");
        if (available is { } a && 8 + (long)n > a)
            throw Invalid(source, $"the header length {n} runs past the end of the {a}-byte file");

        var headerBytes = new byte[n];
        if (ReadFully(stream, headerBytes) < headerBytes.Length) throw Invalid(source, $"truncated inside the {n}-byte header");
        if (headerBytes[0] != (byte)'{') throw Invalid(source, "the header does not start with '{'");

        var (infos, metadata) = ParseHeader(headerBytes, source);

        // The spec requires the tensors to tile the buffer: sorted by offset, each starts where the last ended.
        infos.Sort((x, y) => x.Begin != y.Begin ? x.Begin.CompareTo(y.Begin) : x.End.CompareTo(y.End));
        long end = 0;
        SafeTensorInfo? previous = null;
        foreach (var t in infos)
        {
            if (t.Begin != end)
            {
                var what = t.Begin < end ? "overlaps" : "leaves a gap after";
                var after = previous is null ? "the start of the data buffer" : $"tensor '{previous.Name}' (ending at {end})";
                throw Invalid(source, $"tensor '{t.Name}' data_offsets [{t.Begin}, {t.End}] {what} {after}");
            }
            end = t.End;
            previous = t;
        }

        var dataStart = start + 8 + (long)n;
        if (available is { } total)
        {
            var bufferLength = total - 8 - (long)n;
            if (end > bufferLength)
            {
                var cut = infos.First(t => t.End > bufferLength);
                throw Invalid(source, $"truncated data: tensor '{cut.Name}' data_offsets [{cut.Begin}, {cut.End}] run past the end of the {bufferLength}-byte data buffer");
            }
            if (end < bufferLength)
                throw Invalid(source, $"the tensors cover {end} bytes but the data buffer has {bufferLength}; the header does not describe the whole file");
        }
        return new SafeTensorsHeader(infos, metadata, dataStart, end);
    }

    private static (List<SafeTensorInfo> Tensors, IReadOnlyDictionary<string, string> Metadata) ParseHeader(byte[] headerBytes, string source)
    {
        JsonDocument doc;
        try
        {
            // Trailing spaces are the spec's padding and are ordinary JSON whitespace.
            doc = JsonDocument.Parse(headerBytes, new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException e)
        {
            throw Invalid(source, $"the header is not valid JSON ({e.Message})");
        }
        catch (ArgumentException e)
        {
            throw Invalid(source, $"the header is not valid UTF-8 JSON ({e.Message})");
        }

        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw Invalid(source, "the header is not a JSON object");
            var tensors = new List<SafeTensorInfo>();
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var prop in doc.RootElement.EnumerateObject())
            {
                if (!seen.Add(prop.Name)) throw Invalid(source, $"the header names '{prop.Name}' twice");
                if (prop.Name == MetadataKey)
                {
                    if (prop.Value.ValueKind != JsonValueKind.Object) throw Invalid(source, $"'{MetadataKey}' is not a JSON object");
                    foreach (var m in prop.Value.EnumerateObject())
                    {
                        if (m.Value.ValueKind != JsonValueKind.String)
                            throw Invalid(source, $"'{MetadataKey}' entry '{m.Name}' is not a string");
                        metadata[m.Name] = m.Value.GetString()!;
                    }
                    continue;
                }
                tensors.Add(ParseTensor(prop.Name, prop.Value, source));
            }
            return (tensors, metadata);
        }
    }

    private static SafeTensorInfo ParseTensor(string name, JsonElement e, string source)
    {
        if (e.ValueKind != JsonValueKind.Object) throw Invalid(source, $"tensor '{name}' is not a JSON object");
        if (!e.TryGetProperty("dtype", out var dtypeElement) || dtypeElement.ValueKind != JsonValueKind.String)
            throw Invalid(source, $"tensor '{name}' has no string 'dtype'");
        var dtype = dtypeElement.GetString()!;
        if (!DTypeSizes.TryGetValue(dtype, out var size))
            throw Invalid(source, $"tensor '{name}' has unknown dtype '{dtype}' (supported: {string.Join(", ", DTypeSizes.Keys)})");

        if (!e.TryGetProperty("shape", out var shapeElement) || shapeElement.ValueKind != JsonValueKind.Array)
            throw Invalid(source, $"tensor '{name}' has no 'shape' array");
        var shape = new long[shapeElement.GetArrayLength()];
        var i = 0;
        foreach (var d in shapeElement.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt64(out var dim) || dim < 0)
                throw Invalid(source, $"tensor '{name}' shape entry {i} ({d.GetRawText()}) is not a non-negative integer");
            shape[i++] = dim;
        }

        if (!e.TryGetProperty("data_offsets", out var offsets) || offsets.ValueKind != JsonValueKind.Array || offsets.GetArrayLength() != 2)
            throw Invalid(source, $"tensor '{name}' has no 'data_offsets' pair");
        if (!TryGetInteger(offsets[0], out var begin) || !TryGetInteger(offsets[1], out var end) || begin < 0 || end < begin)
            throw Invalid(source, $"tensor '{name}' data_offsets {offsets.GetRawText()} are not integers with 0 <= begin <= end");

        var numel = ElementCount(shape);
        if (numel is null || numel > long.MaxValue / size)
            throw Invalid(source, $"tensor '{name}' shape [{string.Join(", ", shape)}] is too large");
        if (numel * size != end - begin)
            throw Invalid(source, $"tensor '{name}' of {dtype} [{string.Join(", ", shape)}] needs {numel * size} bytes but data_offsets [{begin}, {end}] hold {end - begin}");
        return new SafeTensorInfo(name, dtype, shape, begin, end);
    }

    private static bool TryGetInteger(JsonElement e, out long value)
    {
        value = 0;
        return e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out value);
    }

    private static long? ElementCount(long[] shape)
    {
        long n = 1;
        foreach (var d in shape)
        {
            if (d < 0) return null;
            try { n = checked(n * d); }
            catch (OverflowException) { return null; }
        }
        return n;
    }

    private static int ReadFully(Stream stream, Span<byte> buffer)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var k = stream.Read(buffer[total..]);
            if (k == 0) break;
            total += k;
        }
        return total;
    }

    private static InvalidDataException Invalid(string source, string reason) =>
        new($"'{source}' is not a valid safetensors file: {reason}.");
}
