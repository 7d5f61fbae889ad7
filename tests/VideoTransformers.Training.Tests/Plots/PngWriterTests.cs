using System.Text;
using FluentAssertions;
using VideoTransformers.TestSupport;
using VideoTransformers.Training.Plots;
using Xunit;

namespace VideoTransformers.Training.Tests.Plots;

public class PngWriterTests
{
    [Fact]
    public void Crc32_matches_the_standard_check_value()
    {
        Crc32.Compute(Encoding.ASCII.GetBytes("123456789")).Should().Be(0xCBF43926);
        PngTestDecoder.BitwiseCrc32(Encoding.ASCII.GetBytes("123456789")).Should().Be(0xCBF43926);
        // The IEND chunk's CRC is the same in every PNG file.
        Crc32.Compute(Encoding.ASCII.GetBytes("IEND")).Should().Be(0xAE426082);
    }

    [Fact]
    public void Tiny_rgb_image_has_the_expected_header_and_pixels()
    {
        byte[] pixels =
        [
            255, 0, 0,   0, 255, 0,   0, 0, 255,
            10, 20, 30,  40, 50, 60,  255, 255, 255,
        ];
        var png = PngWriter.Encode(pixels, 3, 2, PngColorType.Rgb);

        png.AsSpan(0, 8).ToArray().Should().Equal(0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A);
        // IHDR: length 13, "IHDR", width 3, height 2, depth 8, colour type 2, deflate, adaptive filter, no interlace.
        png.AsSpan(8, 21).ToArray().Should().Equal(
            0, 0, 0, 13, (byte)'I', (byte)'H', (byte)'D', (byte)'R', 0, 0, 0, 3, 0, 0, 0, 2, 8, 2, 0, 0, 0);
        png.AsSpan(png.Length - 12).ToArray().Should().Equal(0, 0, 0, 0, (byte)'I', (byte)'E', (byte)'N', (byte)'D', 0xAE, 0x42, 0x60, 0x82);

        var decoded = PngTestDecoder.Decode(png);
        decoded.Chunks.Should().Equal("IHDR", "IDAT", "IEND");
        (decoded.Width, decoded.Height, decoded.ColorType).Should().Be((3, 2, 2));
        decoded.Pixels.Should().Equal(pixels);
    }

    [Theory]
    [InlineData(PngColorType.Gray)]
    [InlineData(PngColorType.Rgb)]
    [InlineData(PngColorType.Rgba)]
    public void Every_colour_type_round_trips_through_all_filters(PngColorType type)
    {
        int w = 37, h = 23, ch = PngWriter.Channels(type);
        var pixels = new byte[w * h * ch];
        var rng = new Random(5);
        // Rows of gradients, noise and flat colour push the heuristic through different filters.
        for (var y = 0; y < h; y++)
        for (var x = 0; x < w; x++)
        for (var c = 0; c < ch; c++)
            pixels[(y * w + x) * ch + c] = (y % 3) switch
            {
                0 => (byte)(x * 7 + c * 50),
                1 => (byte)rng.Next(256),
                _ => (byte)(y * 11 + c),
            };
        var decoded = PngTestDecoder.Decode(PngWriter.Encode(pixels, w, h, type));
        decoded.ColorType.Should().Be((int)type);
        decoded.Pixels.Should().Equal(pixels);
        decoded.RowFilters.Distinct().Count().Should().BeGreaterThan(1, "adaptive filtering should pick different filters for different rows");
    }

    [Fact]
    public void Large_incompressible_images_span_several_IDAT_chunks()
    {
        var pixels = new byte[1024 * 512 * 3];
        new Random(9).NextBytes(pixels);
        var decoded = PngTestDecoder.Decode(PngWriter.Encode(pixels, 1024, 512, PngColorType.Rgb));
        decoded.Chunks.Count(c => c == "IDAT").Should().BeGreaterThan(1);
        decoded.Pixels.Should().Equal(pixels);
    }

    [Fact]
    public void Paeth_predictor_follows_the_specification()
    {
        PngWriter.Paeth(10, 20, 10).Should().Be(20); // p = 20: closest to b
        PngWriter.Paeth(20, 10, 10).Should().Be(20); // p = 20: closest to a
        PngWriter.Paeth(10, 10, 10).Should().Be(10);
        PngWriter.Paeth(5, 9, 7).Should().Be(7);     // p = 7: exactly c
    }

    [Fact]
    public void Wrong_sizes_are_rejected()
    {
        var act = () => PngWriter.Encode(new byte[10], 2, 2, PngColorType.Rgb);
        act.Should().Throw<ArgumentException>().WithMessage("*12 bytes, not 10*");
        var zero = () => PngWriter.Encode([], 0, 1, PngColorType.Gray);
        zero.Should().Throw<ArgumentOutOfRangeException>();
    }

    [SkippableFact]
    public void Zlib_agrees_on_the_crcs_and_the_compressed_stream()
    {
        var path = Path.Combine(Path.GetTempPath(), $"vt-png-{Guid.NewGuid():N}.png");
        var pixels = Enumerable.Range(0, 16 * 8 * 4).Select(i => (byte)(i * 37)).ToArray();
        File.WriteAllBytes(path, PngWriter.Encode(pixels, 16, 8, PngColorType.Rgba));
        try
        {
            var output = PythonNumpy.Run("-c", $$"""
                import struct, zlib
                data = open(r'{{path}}', 'rb').read()
                assert data[:8] == b'\x89PNG\r\n\x1a\n'
                pos, idat, names = 8, b'', []
                while pos < len(data):
                    n, = struct.unpack('>I', data[pos:pos + 4])
                    kind = data[pos + 4:pos + 8]
                    body = data[pos + 8:pos + 8 + n]
                    crc, = struct.unpack('>I', data[pos + 8 + n:pos + 12 + n])
                    assert zlib.crc32(kind + body) == crc, kind
                    names.append(kind.decode())
                    if kind == b'IDAT': idat += body
                    pos += 12 + n
                raw = zlib.decompress(idat)
                print(','.join(names), len(raw), set(raw[i * 65] for i in range(8)) <= {0, 1, 2, 3, 4})
                """);
            output.Trim().Should().Be($"IHDR,IDAT,IEND {8 * (16 * 4 + 1)} True");
        }
        finally
        {
            File.Delete(path);
        }
    }
}
