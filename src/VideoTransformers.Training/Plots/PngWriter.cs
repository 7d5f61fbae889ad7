using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace VideoTransformers.Training.Plots;

/// <summary>
/// Encodes 8-bit grayscale, RGB and RGBA images as PNG (https://www.w3.org/TR/png/) without any imaging
/// library: signature, IHDR, zlib-compressed IDAT with per-row adaptive filtering, IEND.
/// </summary>
public static class PngWriter
{
    private static ReadOnlySpan<byte> Signature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    // Chunks are capped so no decoder with a fixed chunk buffer chokes on a large image.
    private const int MaxIdatChunk = 1 << 20;

    /// <summary>The bytes per pixel of a colour type.</summary>
    public static int Channels(PngColorType colorType) => colorType switch
    {
        PngColorType.Gray => 1,
        PngColorType.Rgb => 3,
        PngColorType.Rgba => 4,
        _ => throw new ArgumentOutOfRangeException(nameof(colorType), colorType, "Unsupported PNG colour type."),
    };

    /// <summary>Encodes row-major pixels (<c>height × width × channels</c> bytes, top row first) as a PNG file.</summary>
    /// <exception cref="ArgumentException">The size is not positive or the pixel count does not match.</exception>
    public static byte[] Encode(ReadOnlySpan<byte> pixels, int width, int height, PngColorType colorType)
    {
        using var ms = new MemoryStream();
        Write(ms, pixels, width, height, colorType);
        return ms.ToArray();
    }

    /// <summary>Writes a PNG file to <paramref name="path"/>, creating its directory if needed.</summary>
    public static void Write(string path, ReadOnlySpan<byte> pixels, int width, int height, PngColorType colorType)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir != null) Directory.CreateDirectory(dir);
        var bytes = Encode(pixels, width, height, colorType);
        File.WriteAllBytes(path, bytes);
    }

    /// <summary>Writes a PNG image to <paramref name="stream"/>, which is left open.</summary>
    public static void Write(Stream stream, ReadOnlySpan<byte> pixels, int width, int height, PngColorType colorType)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        var channels = Channels(colorType);
        var stride = (long)width * channels;
        if (stride * height != pixels.Length)
            throw new ArgumentException($"A {width}×{height} {colorType} image needs {stride * height} bytes, not {pixels.Length}.", nameof(pixels));
        if ((stride + 1) * height > Array.MaxLength)
            throw new ArgumentException($"A {width}×{height} image is too large to encode in memory.", nameof(width));

        stream.Write(Signature);

        Span<byte> ihdr = stackalloc byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr[4..], height);
        ihdr[8] = 8; // bit depth
        ihdr[9] = (byte)colorType;
        ihdr[10] = 0; // deflate
        ihdr[11] = 0; // adaptive filtering
        ihdr[12] = 0; // no interlace
        WriteChunk(stream, "IHDR", ihdr);

        var compressed = Compress(Filter(pixels, (int)stride, height, channels));
        for (var offset = 0; offset < compressed.Length; offset += MaxIdatChunk)
            WriteChunk(stream, "IDAT", compressed.AsSpan(offset, Math.Min(MaxIdatChunk, compressed.Length - offset)));
        WriteChunk(stream, "IEND", []);
    }

    private static byte[] Compress(byte[] filtered)
    {
        using var ms = new MemoryStream();
        using (var z = new ZLibStream(ms, CompressionLevel.Optimal, leaveOpen: true)) z.Write(filtered);
        return ms.ToArray();
    }

    /// <summary>
    /// Prefixes each row with the filter (None, Sub, Up, Average, Paeth) whose output has the smallest sum of
    /// absolute signed bytes, the heuristic the PNG specification recommends; it usually compresses best.
    /// </summary>
    internal static byte[] Filter(ReadOnlySpan<byte> pixels, int stride, int height, int bpp)
    {
        var output = new byte[(stride + 1) * height];
        var candidate = new byte[5][];
        for (var f = 0; f < 5; f++) candidate[f] = new byte[stride];
        for (var y = 0; y < height; y++)
        {
            var row = pixels.Slice(y * stride, stride);
            var prev = y == 0 ? ReadOnlySpan<byte>.Empty : pixels.Slice((y - 1) * stride, stride);
            var best = 0;
            var bestScore = long.MaxValue;
            for (var f = 0; f < 5; f++)
            {
                var c = candidate[f];
                long score = 0;
                for (var i = 0; i < stride; i++)
                {
                    int a = i >= bpp ? row[i - bpp] : 0;
                    int b = prev.IsEmpty ? 0 : prev[i];
                    int cc = i >= bpp && !prev.IsEmpty ? prev[i - bpp] : 0;
                    int predictor = f switch
                    {
                        0 => 0,
                        1 => a,
                        2 => b,
                        3 => (a + b) >> 1,
                        _ => Paeth(a, b, cc),
                    };
                    var v = (byte)(row[i] - predictor);
                    c[i] = v;
                    score += v < 128 ? v : 256 - v;
                }
                if (score < bestScore)
                {
                    bestScore = score;
                    best = f;
                }
            }
            output[y * (stride + 1)] = (byte)best;
            candidate[best].CopyTo(output, y * (stride + 1) + 1);
        }
        return output;
    }

    internal static int Paeth(int a, int b, int c)
    {
        var p = a + b - c;
        var pa = Math.Abs(p - a);
        var pb = Math.Abs(p - b);
        var pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    private static void WriteChunk(Stream stream, string type, ReadOnlySpan<byte> data)
    {
        Span<byte> header = stackalloc byte[8];
        BinaryPrimitives.WriteInt32BigEndian(header, data.Length);
        Encoding.ASCII.GetBytes(type, header[4..]);
        stream.Write(header);
        stream.Write(data);
        // The CRC covers the chunk type and data, not the length.
        var crc = Crc32.Append(Crc32.Compute(header[4..]), data);
        Span<byte> crcBytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crcBytes, crc);
        stream.Write(crcBytes);
    }
}
