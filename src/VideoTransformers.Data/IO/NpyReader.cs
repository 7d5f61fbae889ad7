using System.Buffers.Binary;
using System.Text;

namespace VideoTransformers.Data.IO;

/// <summary>
/// Reads NumPy <c>.npy</c> files (format versions 1.0, 2.0 and 3.0), converting Fortran-ordered
/// arrays to C order. See https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html.
/// </summary>
public static class NpyReader
{
    internal static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Reads the array in the <c>.npy</c> file at <paramref name="path"/>.</summary>
    /// <exception cref="InvalidDataException">The file is not a valid or supported <c>.npy</c> file; the message names the file and the reason.</exception>
    public static NpyArray Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        return Read(stream, path);
    }

    /// <summary>Reads one <c>.npy</c> array from the current position of <paramref name="stream"/>.</summary>
    /// <param name="stream">The stream; it is left open and positioned after the array data.</param>
    /// <param name="sourceName">How to name the source in error messages (a file path, or <c>archive.npz:key.npy</c>).</param>
    /// <exception cref="InvalidDataException">The data is not a valid or supported <c>.npy</c> array.</exception>
    public static NpyArray Read(Stream stream, string? sourceName = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var source = sourceName ?? "<stream>";

        Span<byte> preamble = stackalloc byte[8];
        var got = ReadFully(stream, preamble);
        if (got < 8 || !preamble[..6].SequenceEqual(Magic))
            throw Invalid(source, "bad magic: it does not start with \\x93NUMPY, so it is not a .npy file");
        int major = preamble[6], minor = preamble[7];
        if (major is < 1 or > 3)
            throw Invalid(source, $"unsupported .npy format version {major}.{minor} (1.0, 2.0 and 3.0 are supported)");

        long headerLength;
        if (major == 1)
        {
            Span<byte> len = stackalloc byte[2];
            if (ReadFully(stream, len) < 2) throw Invalid(source, "truncated before the header length");
            headerLength = BinaryPrimitives.ReadUInt16LittleEndian(len);
        }
        else
        {
            Span<byte> len = stackalloc byte[4];
            if (ReadFully(stream, len) < 4) throw Invalid(source, "truncated before the header length");
            headerLength = BinaryPrimitives.ReadUInt32LittleEndian(len);
        }
        // numpy refuses headers over 10 000 bytes unless told otherwise; 1 MiB leaves room without trusting garbage.
        if (headerLength > 1 << 20) throw Invalid(source, $"header length {headerLength} is implausibly large");

        var headerBytes = new byte[headerLength];
        if (ReadFully(stream, headerBytes) < headerLength)
            throw Invalid(source, $"truncated inside the {headerLength}-byte header");
        // Versions 1 and 2 store the header in latin-1; version 3 allows UTF-8 (for field names).
        var headerText = major == 3 ? Encoding.UTF8.GetString(headerBytes) : Encoding.Latin1.GetString(headerBytes);

        var (dtype, fortranOrder, shape) = ParseHeader(headerText, source);

        var count = NpyArray.ElementCountOf(shape);
        var byteCount = count * dtype.ItemSize;
        if (byteCount > Array.MaxLength)
            throw Invalid(source, $"the array ({string.Join(", ", shape)}) of {dtype.Descr} needs {byteCount} bytes, more than one .NET array can hold");
        var data = new byte[byteCount];
        var read = ReadFully(stream, data);
        if (read < byteCount)
            throw Invalid(source, $"truncated data: shape ({string.Join(", ", shape)}) of {dtype.Descr} needs {byteCount} bytes but only {read} are present");

        if (fortranOrder && shape.Length > 1) data = FortranToC(data, shape, dtype.ItemSize);
        return new NpyArray(dtype.Descr, shape, data);
    }

    private static (NpyDType DType, bool FortranOrder, long[] Shape) ParseHeader(string text, string source)
    {
        Dictionary<string, object?> dict;
        try
        {
            dict = NpyHeaderParser.ParseDict(text.TrimEnd('\n', ' ', '\0'));
        }
        catch (FormatException e)
        {
            throw Invalid(source, $"malformed header ({e.Message}): {text.Trim()}");
        }

        if (!dict.TryGetValue("descr", out var descrValue)) throw Invalid(source, "the header has no 'descr'");
        if (descrValue is not string descr)
            throw Invalid(source, "unsupported dtype: structured (record) dtypes are not supported");
        var dtype = NpyDType.TryParse(descr)
            ?? throw Invalid(source, $"unsupported dtype '{descr}' (supported: u1, i1, u2, i2, i4, i8, f4, f8, b1, little- or big-endian)");

        if (!dict.TryGetValue("fortran_order", out var fortranValue) || fortranValue is not bool fortran)
            throw Invalid(source, "the header has no boolean 'fortran_order'");

        if (!dict.TryGetValue("shape", out var shapeValue) || shapeValue is not List<object?> dims)
            throw Invalid(source, "the header has no 'shape' tuple");
        var shape = new long[dims.Count];
        for (var i = 0; i < dims.Count; i++)
        {
            if (dims[i] is not long d || d < 0) throw Invalid(source, $"shape entry {i} ({dims[i] ?? "None"}) is not a non-negative integer");
            shape[i] = d;
        }
        try
        {
            NpyArray.ElementCountOf(shape);
        }
        catch (OverflowException)
        {
            throw Invalid(source, $"shape ({string.Join(", ", shape)}) overflows");
        }
        return (dtype, fortran, shape);
    }

    /// <summary>Reorders column-major element bytes into row-major order.</summary>
    internal static byte[] FortranToC(byte[] src, long[] shape, int itemSize)
    {
        var rank = shape.Length;
        var dst = new byte[src.Length];
        if (src.Length == 0) return dst;
        // Byte strides of each axis in the Fortran-ordered source: the first axis varies fastest.
        var srcStride = new long[rank];
        long s = itemSize;
        for (var k = 0; k < rank; k++) { srcStride[k] = s; s *= shape[k]; }

        var index = new long[rank];
        long srcOffset = 0;
        var lastDim = shape[rank - 1];
        var lastStride = srcStride[rank - 1];
        long dstOffset = 0;
        var total = src.LongLength / itemSize;
        for (long done = 0; done < total; done += lastDim)
        {
            // The innermost C axis is contiguous in the destination; walk it with the source stride.
            var o = srcOffset;
            for (long j = 0; j < lastDim; j++, o += lastStride, dstOffset += itemSize)
                Buffer.BlockCopy(src, (int)o, dst, (int)dstOffset, itemSize);
            // Odometer increment over the outer axes.
            for (var k = rank - 2; k >= 0; k--)
            {
                index[k]++;
                srcOffset += srcStride[k];
                if (index[k] < shape[k]) break;
                srcOffset -= srcStride[k] * shape[k];
                index[k] = 0;
            }
        }
        return dst;
    }

    internal static int ReadFully(Stream stream, Span<byte> buffer)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var n = stream.Read(buffer[total..]);
            if (n == 0) break;
            total += n;
        }
        return total;
    }

    internal static InvalidDataException Invalid(string source, string reason, Exception? inner = null) =>
        new($"'{source}' is not a valid .npy array: {reason}.", inner);
}
