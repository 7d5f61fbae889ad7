using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace VideoTransformers.Training.Tests.Plots;

/// <summary>
/// A minimal independent PNG decoder for the tests (8-bit gray/RGB/RGBA, no interlace): checks the signature,
/// every chunk CRC (bit-by-bit, not the writer's table), chunk order, inflates the IDAT stream and unfilters rows.
/// </summary>
internal static class PngTestDecoder
{
    public sealed record Decoded(int Width, int Height, int ColorType, byte[] Pixels, List<string> Chunks, List<byte> RowFilters);

    public static Decoded Decode(byte[] png)
    {
        byte[] signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
        if (!png.AsSpan(0, 8).SequenceEqual(signature)) throw new InvalidDataException("bad PNG signature");
        var chunks = new List<string>();
        var idat = new MemoryStream();
        int width = 0, height = 0, colorType = -1;
        var pos = 8;
        while (pos < png.Length)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(pos));
            var type = Encoding.ASCII.GetString(png, pos + 4, 4);
            var data = png.AsSpan(pos + 8, length);
            var crc = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(pos + 8 + length));
            if (BitwiseCrc32(png.AsSpan(pos + 4, 4 + length)) != crc) throw new InvalidDataException($"CRC mismatch in chunk {type}");
            chunks.Add(type);
            switch (type)
            {
                case "IHDR":
                    width = BinaryPrimitives.ReadInt32BigEndian(data);
                    height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                    if (data[8] != 8 || data[10] != 0 || data[11] != 0 || data[12] != 0) throw new InvalidDataException("unsupported IHDR");
                    colorType = data[9];
                    break;
                case "IDAT":
                    idat.Write(data);
                    break;
            }
            pos += 12 + length;
        }
        if (chunks[0] != "IHDR" || chunks[^1] != "IEND") throw new InvalidDataException("bad chunk order");

        var channels = colorType switch { 0 => 1, 2 => 3, 6 => 4, _ => throw new InvalidDataException("colour type") };
        var stride = width * channels;
        idat.Position = 0;
        using var z = new ZLibStream(idat, CompressionMode.Decompress);
        var raw = new MemoryStream();
        z.CopyTo(raw);
        var filtered = raw.ToArray();
        if (filtered.Length != (stride + 1) * height) throw new InvalidDataException($"inflated {filtered.Length} bytes, expected {(stride + 1) * height}");

        var pixels = new byte[stride * height];
        var filters = new List<byte>();
        for (var y = 0; y < height; y++)
        {
            var f = filtered[y * (stride + 1)];
            filters.Add(f);
            for (var i = 0; i < stride; i++)
            {
                var x = filtered[y * (stride + 1) + 1 + i];
                int a = i >= channels ? pixels[y * stride + i - channels] : 0;
                int b = y > 0 ? pixels[(y - 1) * stride + i] : 0;
                int c = i >= channels && y > 0 ? pixels[(y - 1) * stride + i - channels] : 0;
                int pred = f switch
                {
                    0 => 0,
                    1 => a,
                    2 => b,
                    3 => (a + b) / 2,
                    4 => PaethReference(a, b, c),
                    _ => throw new InvalidDataException($"filter {f}"),
                };
                pixels[y * stride + i] = (byte)(x + pred);
            }
        }
        return new Decoded(width, height, colorType, pixels, chunks, filters);
    }

    // Written from the specification's pseudo-code, separately from the writer's.
    private static int PaethReference(int a, int b, int c)
    {
        int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        if (pa <= pb && pa <= pc) return a;
        if (pb <= pc) return b;
        return c;
    }

    public static uint BitwiseCrc32(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++) crc = (crc >> 1) ^ (0xEDB88320u & (uint)-(int)(crc & 1));
        }
        return ~crc;
    }
}
