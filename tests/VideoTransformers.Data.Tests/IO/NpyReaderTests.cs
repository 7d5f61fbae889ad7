using System.Buffers.Binary;
using FluentAssertions;
using VideoTransformers.Data.IO;
using Xunit;

namespace VideoTransformers.Data.Tests.IO;

public class NpyReaderTests
{
    private static NpyArray ReadBytes(byte[] bytes, string name = "test.npy") => NpyReader.Read(new MemoryStream(bytes), name);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Reads_all_header_versions(int major)
    {
        var data = new byte[24];
        for (var i = 0; i < 6; i++) BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(i * 4), i * 1.5f);
        var array = ReadBytes(NpyTestFiles.Raw(NpyTestFiles.Header("<f4", false, "(2, 3)"), data, major));

        array.DType.Should().Be("<f4");
        array.Shape.Should().Equal(2, 3);
        array.ToFloatArray().Should().Equal(0f, 1.5f, 3f, 4.5f, 6f, 7.5f);
    }

    [Fact]
    public void Version_3_header_may_contain_utf8()
    {
        // A UTF-8 header is only legal in version 3; an extra key with non-latin text must not confuse the parser.
        var header = "{'descr': '|u1', 'fortran_order': False, 'shape': (2,), 'note': 'größe ✓', }";
        var array = ReadBytes(NpyTestFiles.Raw(header, [7, 9], major: 3));
        array.ToByteArray().Should().Equal(7, 9);
    }

    [Fact]
    public void Fortran_order_2d_is_converted_to_c_order()
    {
        // numpy.asfortranarray([[1,2,3],[4,5,6]]) stores columns first: 1,4,2,5,3,6.
        var data = new byte[6 * 8];
        long[] fortran = [1, 4, 2, 5, 3, 6];
        for (var i = 0; i < 6; i++) BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(i * 8), fortran[i]);
        var array = ReadBytes(NpyTestFiles.Raw(NpyTestFiles.Header("<i8", true, "(2, 3)"), data));

        array.Shape.Should().Equal(2, 3);
        array.ToInt64Array().Should().Equal(1, 2, 3, 4, 5, 6);
    }

    [Fact]
    public void Fortran_order_3d_is_converted_to_c_order()
    {
        // Element (i,j,k) holds 100i+10j+k; Fortran order has i fastest, then j, then k.
        int d0 = 2, d1 = 3, d2 = 4;
        var data = new List<byte>();
        for (var k = 0; k < d2; k++)
        for (var j = 0; j < d1; j++)
        for (var i = 0; i < d0; i++)
        {
            var b = new byte[2];
            BinaryPrimitives.WriteInt16LittleEndian(b, (short)(100 * i + 10 * j + k));
            data.AddRange(b);
        }
        var array = ReadBytes(NpyTestFiles.Raw(NpyTestFiles.Header("<i2", true, "(2, 3, 4)"), data.ToArray()));

        var expected = new List<long>();
        for (var i = 0; i < d0; i++)
        for (var j = 0; j < d1; j++)
        for (var k = 0; k < d2; k++) expected.Add(100 * i + 10 * j + k);
        array.ToInt64Array().Should().Equal(expected);
    }

    [Fact]
    public void Big_endian_values_decode_for_every_multibyte_dtype()
    {
        var f8 = new byte[16];
        BinaryPrimitives.WriteDoubleBigEndian(f8, -2.25);
        BinaryPrimitives.WriteDoubleBigEndian(f8.AsSpan(8), 1e300);
        ReadBytes(NpyTestFiles.Raw(NpyTestFiles.Header(">f8", false, "(2,)"), f8)).ToDoubleArray().Should().Equal(-2.25, 1e300);

        var f4 = new byte[8];
        BinaryPrimitives.WriteSingleBigEndian(f4, 3.5f);
        BinaryPrimitives.WriteSingleBigEndian(f4.AsSpan(4), -0.125f);
        var f4Array = ReadBytes(NpyTestFiles.Raw(NpyTestFiles.Header(">f4", false, "(2,)"), f4));
        f4Array.IsBigEndian.Should().BeTrue();
        f4Array.ToFloatArray().Should().Equal(3.5f, -0.125f);

        var i8 = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(i8, -1234567890123L);
        ReadBytes(NpyTestFiles.Raw(NpyTestFiles.Header(">i8", false, "(1,)"), i8)).ToInt64Array().Should().Equal(-1234567890123L);

        var i4 = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(i4, -70000);
        ReadBytes(NpyTestFiles.Raw(NpyTestFiles.Header(">i4", false, "(1,)"), i4)).ToInt64Array().Should().Equal(-70000);

        ReadBytes(NpyTestFiles.Raw(NpyTestFiles.Header(">i2", false, "(1,)"), [0xFF, 0xFE])).ToInt64Array().Should().Equal(-2);
        ReadBytes(NpyTestFiles.Raw(NpyTestFiles.Header(">u2", false, "(1,)"), [0xFF, 0xFE])).ToInt64Array().Should().Equal(0xFFFE);
    }

    [Fact]
    public void Single_byte_dtypes_decode()
    {
        ReadBytes(NpyTestFiles.Raw(NpyTestFiles.Header("|i1", false, "(3,)"), [0xFF, 0x7F, 0x80])).ToInt64Array().Should().Equal(-1, 127, -128);
        ReadBytes(NpyTestFiles.Raw(NpyTestFiles.Header("|u1", false, "(2,)"), [0xFF, 3])).ToFloatArray().Should().Equal(255f, 3f);
        var bools = ReadBytes(NpyTestFiles.Raw(NpyTestFiles.Header("|b1", false, "(3,)"), [1, 0, 1]));
        bools.DType.Should().Be("|b1");
        bools.ToInt64Array().Should().Equal(1, 0, 1);
        bools.ToByteArray().Should().Equal(1, 0, 1);
    }

    [Fact]
    public void Little_endian_u2_and_scalar_shapes_decode()
    {
        ReadBytes(NpyTestFiles.Raw(NpyTestFiles.Header("<u2", false, "(2,)"), [0x01, 0x02, 0xFF, 0xFF])).ToInt64Array().Should().Equal(0x0201, 0xFFFF);
        var scalar = ReadBytes(NpyTestFiles.Raw(NpyTestFiles.Header("<i4", false, "()"), [5, 0, 0, 0]));
        scalar.Shape.Should().BeEmpty();
        scalar.ToInt64Array().Should().Equal(5);
        var empty = ReadBytes(NpyTestFiles.Raw(NpyTestFiles.Header("<f4", false, "(0, 3)"), []));
        empty.ElementCount.Should().Be(0);
        empty.ToFloatArray().Should().BeEmpty();
    }

    [Fact]
    public void Python2_long_suffixes_in_the_shape_are_accepted()
    {
        var array = ReadBytes(NpyTestFiles.Raw("{'descr': '|u1', 'fortran_order': False, 'shape': (1L, 2L), }", [4, 5]));
        array.Shape.Should().Equal(1, 2);
    }

    [Fact]
    public void Conversions_reject_lossy_requests()
    {
        var floats = NpyArray.FromFloats([1.5f], 1);
        floats.Invoking(a => a.ToInt64Array()).Should().Throw<InvalidOperationException>().WithMessage("*<f4*");
        floats.Invoking(a => a.ToByteArray()).Should().Throw<InvalidOperationException>();
        NpyArray.FromInt64([3, 256], 2).Invoking(a => a.ToByteArray()).Should().Throw<OverflowException>().WithMessage("*256*");
        NpyArray.FromInt64([3, 255], 2).ToByteArray().Should().Equal(3, 255);
    }

    [Fact]
    public void Bad_magic_names_the_source_and_the_reason()
    {
        var bytes = NpyTestFiles.Raw(NpyTestFiles.Header("|u1", false, "(1,)"), [1]);
        bytes[1] = (byte)'X';
        var act = () => ReadBytes(bytes, "weird.npy");
        act.Should().Throw<InvalidDataException>().WithMessage("*weird.npy*magic*");
    }

    [Fact]
    public void A_file_of_random_bytes_is_rejected_with_the_path()
    {
        var dir = NpyTestFiles.TempDir();
        try
        {
            var path = Path.Combine(dir, "random.npy");
            var bytes = new byte[4096];
            new Random(42).NextBytes(bytes);
            File.WriteAllBytes(path, bytes);
            var act = () => NpyReader.Read(path);
            act.Should().Throw<InvalidDataException>().WithMessage($"*{path}*magic*");
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void Empty_input_is_rejected()
    {
        var act = () => ReadBytes([], "empty.npy");
        act.Should().Throw<InvalidDataException>().WithMessage("*empty.npy*");
    }

    [Fact]
    public void Truncated_data_reports_expected_and_present_bytes()
    {
        var bytes = NpyTestFiles.Raw(NpyTestFiles.Header("<f4", false, "(4, 4)"), new byte[64]);
        var act = () => ReadBytes(bytes[..^10], "short.npy");
        act.Should().Throw<InvalidDataException>().WithMessage("*short.npy*truncated data*64 bytes*only 54*");
    }

    [Fact]
    public void Truncated_header_is_rejected()
    {
        var bytes = NpyTestFiles.Raw(NpyTestFiles.Header("<f4", false, "(4, 4)"), new byte[64]);
        var act = () => ReadBytes(bytes[..30], "cut.npy");
        act.Should().Throw<InvalidDataException>().WithMessage("*cut.npy*header*");
    }

    [Theory]
    [InlineData("<c16")]
    [InlineData("<U5")]
    [InlineData("|O")]
    [InlineData("<f2")]
    [InlineData("<u8")]
    public void Unsupported_dtypes_are_named(string descr)
    {
        var act = () => ReadBytes(NpyTestFiles.Raw(NpyTestFiles.Header(descr, false, "(1,)"), new byte[16]), "odd.npy");
        act.Should().Throw<InvalidDataException>().WithMessage($"*odd.npy*unsupported dtype '{descr}'*");
    }

    [Fact]
    public void Structured_dtypes_are_rejected()
    {
        var header = "{'descr': [('x', '<f4'), ('y', '<i4')], 'fortran_order': False, 'shape': (1,), }";
        var act = () => ReadBytes(NpyTestFiles.Raw(header, new byte[8]), "rec.npy");
        act.Should().Throw<InvalidDataException>().WithMessage("*rec.npy*structured*");
    }

    [Fact]
    public void Unknown_format_versions_are_rejected()
    {
        var bytes = NpyTestFiles.Raw(NpyTestFiles.Header("|u1", false, "(1,)"), [1]);
        bytes[6] = 4;
        var act = () => ReadBytes(bytes, "v4.npy");
        act.Should().Throw<InvalidDataException>().WithMessage("*v4.npy*version 4.0*");
    }

    [Theory]
    [InlineData("{'descr': '<f4', 'shape': (1,), }", "fortran_order")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, }", "shape")]
    [InlineData("{'fortran_order': False, 'shape': (1,), }", "descr")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }", "not a non-negative integer")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (1,) ", "malformed header")]
    [InlineData("['descr', '<f4']", "malformed header")]
    public void Malformed_headers_say_what_is_wrong(string header, string reason)
    {
        var act = () => ReadBytes(NpyTestFiles.Raw(header, new byte[4]), "bad.npy");
        act.Should().Throw<InvalidDataException>().WithMessage($"*bad.npy*{reason}*");
    }
}
