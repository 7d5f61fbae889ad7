using FluentAssertions;
using VideoTransformers.Data.IO;
using VideoTransformers.TestSupport;
using Xunit;

namespace VideoTransformers.Data.Tests.IO;

public class NpyWriterTests
{
    private static NpyArray RoundTrip(NpyArray array)
    {
        using var ms = new MemoryStream();
        NpyWriter.Write(ms, array);
        ms.Position = 0;
        return NpyReader.Read(ms, "roundtrip.npy");
    }

    [Fact]
    public void Every_factory_round_trips()
    {
        RoundTrip(NpyArray.FromBytes([0, 1, 255, 7, 8, 9], 2, 3)).ToByteArray().Should().Equal(0, 1, 255, 7, 8, 9);
        RoundTrip(NpyArray.FromFloats([1.25f, float.NaN, -0f, float.MaxValue], 4)).ToFloatArray()
            .Should().Equal(1.25f, float.NaN, -0f, float.MaxValue);
        RoundTrip(NpyArray.FromDoubles([Math.PI, -1e-300], 1, 2)).ToDoubleArray().Should().Equal(Math.PI, -1e-300);
        RoundTrip(NpyArray.FromInt32([int.MinValue, 0, int.MaxValue], 3)).ToInt64Array().Should().Equal(int.MinValue, 0, int.MaxValue);
        RoundTrip(NpyArray.FromInt64([long.MinValue, long.MaxValue], 2, 1)).ToInt64Array().Should().Equal(long.MinValue, long.MaxValue);
        var bools = RoundTrip(NpyArray.FromBooleans([true, false, true], 3));
        bools.DType.Should().Be("|b1");
        bools.ToInt64Array().Should().Equal(1, 0, 1);
    }

    [Fact]
    public void Shape_and_dtype_survive_including_scalars_and_empty_arrays()
    {
        var scalar = RoundTrip(NpyArray.FromDoubles([2.5]));
        scalar.Shape.Should().BeEmpty();
        scalar.ToDoubleArray().Should().Equal(2.5);

        var empty = RoundTrip(NpyArray.FromFloats([], 0, 5));
        empty.Shape.Should().Equal(0, 5);
        empty.DType.Should().Be("<f4");
    }

    [Fact]
    public void Big_endian_arrays_are_written_as_stored()
    {
        var array = new NpyArray(">i4", [2], [0, 0, 1, 0, 0xFF, 0xFF, 0xFF, 0xFE]);
        var back = RoundTrip(array);
        back.DType.Should().Be(">i4");
        back.ToInt64Array().Should().Equal(256, -2);
    }

    [Fact]
    public void Data_starts_on_a_64_byte_boundary_and_the_header_ends_with_a_newline()
    {
        var preamble = NpyWriter.BuildPreamble(NpyArray.FromFloats(new float[12], 3, 4));
        (preamble.Length % 64).Should().Be(0);
        preamble[^1].Should().Be((byte)'\n');
        System.Text.Encoding.Latin1.GetString(preamble, 10, preamble.Length - 10)
            .Should().StartWith("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }");
    }

    [Fact]
    public void Constructor_rejects_mismatched_data_and_unknown_dtypes()
    {
        var act = () => new NpyArray("<f4", [2, 2], new byte[15]);
        act.Should().Throw<ArgumentException>().WithMessage("*16 bytes*15*");
        var act2 = () => new NpyArray("<c8", [1], new byte[8]);
        act2.Should().Throw<NotSupportedException>().WithMessage("*<c8*");
        var act3 = () => new NpyArray("<f4", [-1], []);
        act3.Should().Throw<ArgumentException>().WithMessage("*negative*");
    }

    [SkippableFact]
    public void Numpy_reads_what_we_write()
    {
        PythonNumpy.Require();
        var dir = NpyTestFiles.TempDir();
        try
        {
            var npy = Path.Combine(dir, "a.npy");
            NpyWriter.Write(npy, NpyArray.FromFloats([0.5f, 1.5f, 2.5f, 3.5f, 4.5f, 5.5f], 2, 3));
            var npz = Path.Combine(dir, "b.npz");
            NpzWriter.Write(npz, new Dictionary<string, NpyArray>
            {
                ["labels"] = NpyArray.FromInt64([3, 1, 4], 3),
                ["mask"] = NpyArray.FromBooleans([true, false], 2),
            }, compress: true);

            var output = PythonNumpy.Run("-c", $$"""
                import numpy as np
                a = np.load(r'{{npy}}')
                z = np.load(r'{{npz}}')
                print(a.dtype, a.shape, a.tolist())
                print(sorted(z.files), z['labels'].dtype, z['labels'].tolist(), z['mask'].dtype, z['mask'].tolist())
                """);
            output.Split('\n')[0].Trim().Should().Be("float32 (2, 3) [[0.5, 1.5, 2.5], [3.5, 4.5, 5.5]]");
            output.Split('\n')[1].Trim().Should().Be("['labels', 'mask'] int64 [3, 1, 4] bool [True, False]");
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [SkippableFact]
    public void We_read_what_numpy_writes_in_every_layout()
    {
        PythonNumpy.Require();
        var dir = NpyTestFiles.TempDir();
        try
        {
            // Each file holds element (i,j,k) = 100i + 10j + k for shape (2,3,4), in a different dtype/order/version.
            PythonNumpy.Run("-c", $$"""
                import numpy as np
                base = np.fromfunction(lambda i, j, k: 100*i + 10*j + k, (2, 3, 4))
                d = r'{{dir}}'
                np.save(d + '/c_f4.npy', base.astype('<f4'))
                np.save(d + '/fortran_i8.npy', np.asfortranarray(base.astype('<i8')))
                np.save(d + '/big_f8.npy', base.astype('>f8'))
                np.save(d + '/big_fortran_i2.npy', np.asfortranarray(base.astype('>i2')))
                np.save(d + '/u2.npy', base.astype('<u2'))
                np.save(d + '/i1.npy', (base - 100).astype('i1'))
                for v in [(2, 0), (3, 0)]:
                    with open(d + '/v%d.npy' % v[0], 'wb') as f:
                        np.lib.format.write_array(f, base.astype('<i4'), version=v)
                np.savez(d + '/stored.npz', x=base.astype('u1'), y=np.array([True, False]))
                np.savez_compressed(d + '/deflated.npz', x=base.astype('u1'))
                """);

            var expected = new List<long>();
            for (var i = 0; i < 2; i++)
            for (var j = 0; j < 3; j++)
            for (var k = 0; k < 4; k++) expected.Add(100 * i + 10 * j + k);

            foreach (var (file, dtype) in new[]
                     {
                         ("c_f4.npy", "<f4"), ("fortran_i8.npy", "<i8"), ("big_f8.npy", ">f8"), ("big_fortran_i2.npy", ">i2"),
                         ("u2.npy", "<u2"), ("v2.npy", "<i4"), ("v3.npy", "<i4"),
                     })
            {
                var array = NpyReader.Read(Path.Combine(dir, file));
                array.DType.Should().Be(dtype, file);
                array.Shape.Should().Equal([2, 3, 4], file);
                array.ToDoubleArray().Should().Equal(expected.Select(v => (double)v), file);
            }
            NpyReader.Read(Path.Combine(dir, "i1.npy")).ToInt64Array().Should().Equal(expected.Select(v => v - 100));

            using (var stored = NpzArchive.Open(Path.Combine(dir, "stored.npz")))
            {
                stored.Keys.Should().Equal("x", "y");
                stored.Read("x").ToByteArray().Select(b => (long)b).Should().Equal(expected);
                stored.Read("y").ToInt64Array().Should().Equal(1, 0);
            }
            using var deflated = NpzArchive.Open(Path.Combine(dir, "deflated.npz"));
            deflated.Read("x").ToByteArray().Select(b => (long)b).Should().Equal(expected);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
