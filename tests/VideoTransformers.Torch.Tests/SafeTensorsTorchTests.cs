using VideoTransformers.Torch.Serialization;
using System.Text.Json;
using FluentAssertions;
using VideoTransformers.TestSupport;
using Xunit;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VideoTransformers.Torch.Tests;

/// <summary>
/// SafeTensors.save / SafeTensors.load of TorchSharp tensors: round trip in every dtype TorchSharp and safetensors
/// share, and across languages: numpy (tests/python/safetensors_np.py) reads our files, we read its files, and
/// PyTorch echoes them back.
/// </summary>
[Collection(PythonReferenceFixture.Collection)]
public class SafeTensorsTorchTests(PythonReferenceFixture py) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vt-sttorch-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private static string NumpyScript => Path.Combine(SharedData.RepoRoot, "tests", "python", "safetensors_np.py");

    /// <summary>Finite values that expose byte-order, sign and precision errors, one tensor per dtype and a few shapes.</summary>
    private static Dictionary<string, Tensor> Finite() => new()
    {
        ["f32"] = tensor(new float[] { 1.5f, -2f, 0.1f, float.MaxValue, float.Epsilon, -0f }, [2, 3]),
        ["f64"] = tensor(new double[] { 1.0 / 3, -1e-300, double.MaxValue, 5e-324 }),
        ["i64"] = tensor(new long[] { long.MinValue, -(1L << 40), 0, 7, long.MaxValue, 1 }, [3, 1, 2]),
        ["u8"] = tensor(new byte[] { 0, 1, 127, 128, 255 }),
        ["bool"] = tensor(new[] { true, false, true, true }, [2, 2]),
        ["scalar"] = tensor(42.25, ScalarType.Float64),
        ["empty"] = zeros([0, 3]),
        ["strided"] = arange(0, 12, dtype: ScalarType.Float32).reshape(3, 4).transpose(0, 1), // saved in C order
    };

    /// <summary>Every dtype TorchSharp and safetensors share, with values that expose byte order, sign and rounding.</summary>
    private static Dictionary<string, Tensor> EveryDType() => new(Finite())
    {
        ["f16"] = tensor(new float[] { 0.5f, -2f, 65504f, 6.1e-5f }).to(ScalarType.Float16),
        ["bf16"] = tensor(new float[] { 1f, -2f, 3.0e38f, 1e-38f }, [2, 2]).to(ScalarType.BFloat16),
        ["i32"] = tensor(new[] { int.MinValue, -1, 0, int.MaxValue }),
        ["i16"] = tensor(new short[] { short.MinValue, 12345 }),
        ["i8"] = tensor(new sbyte[] { sbyte.MinValue, -1, sbyte.MaxValue }),
        ["nonfinite"] = tensor(new float[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity }),
    };

    [Fact]
    public void Round_trip_keeps_dtype_shape_bits_and_metadata_in_every_dtype()
    {
        using var scope = NewDisposeScope();
        var tensors = EveryDType();
        tensors.Values.Select(t => t.dtype).Distinct().Order().Should().Equal(
            new[] { ScalarType.Float64, ScalarType.Float32, ScalarType.Float16, ScalarType.BFloat16, ScalarType.Int64, ScalarType.Int32,
                ScalarType.Int16, ScalarType.Int8, ScalarType.Byte, ScalarType.Bool }.Order(), "every dtype of SafeTensors' table is covered");
        var path = Path.Combine(_dir, "all.safetensors");
        var metadata = new Dictionary<string, string> { ["format"] = "pt", ["epoch"] = "7", ["note"] = "ünïcode, \"quotes\" and\nnewlines" };
        SafeTensors.save(tensors, path, metadata);
        var loaded = SafeTensors.load(path, out var meta);

        meta.Should().BeEquivalentTo(metadata);
        loaded.Keys.Should().BeEquivalentTo(tensors.Keys);
        // Bit for bit: -0 keeps its sign, NaN its payload, and the transposed view is saved in C order.
        foreach (var (name, t) in tensors) TensorAssert.Same(loaded[name], t, name);
        loaded.Values.Should().OnlyContain(t => t.is_contiguous() && t.device_type == DeviceType.CPU && !t.requires_grad);
        // The loaded tensors are copies, not views of the originals.
        loaded["f32"].mul_(2.0);
        HostValues.Read<float>(tensors["f32"])[0].Should().Be(1.5f);
    }

    [Fact]
    public void Load_without_metadata_gives_an_empty_map_and_the_plain_overload_reads_the_same_tensors()
    {
        using var scope = NewDisposeScope();
        var path = Path.Combine(_dir, "plain.safetensors");
        SafeTensors.save(new Dictionary<string, Tensor> { ["a"] = arange(5) }, path);
        SafeTensors.load(path, out var meta)["a"].Equals(arange(5)).Should().BeTrue();
        meta.Should().BeEmpty();
        TensorAssert.Same(SafeTensors.load(path)["a"], arange(5), "a");
    }

    [Fact]
    public void A_requires_grad_parameter_saves_its_values()
    {
        using var scope = NewDisposeScope();
        var path = Path.Combine(_dir, "param.safetensors");
        var p = new TestData(5).Randn([3, 2]).requires_grad_();
        SafeTensors.save(new Dictionary<string, Tensor> { ["p"] = p * 1.0 }, path);
        TensorAssert.Same(SafeTensors.load(path)["p"], p.detach(), "p");
    }

    [SkippableFact]
    public void Numpy_reads_what_torch_save_wrote_with_equal_values()
    {
        PythonNumpy.Require();
        using var scope = NewDisposeScope();
        var tensors = Finite();
        var path = Path.Combine(_dir, "ours.safetensors");
        SafeTensors.save(tensors, path, new Dictionary<string, string> { ["producer"] = "dotnet" });

        using var dump = JsonDocument.Parse(PythonNumpy.Run(NumpyScript, "dump", path));
        dump.RootElement.GetProperty("metadata").GetProperty("producer").GetString().Should().Be("dotnet");
        var seen = dump.RootElement.GetProperty("tensors");
        seen.EnumerateObject().Select(p => p.Name).Should().BeEquivalentTo(tensors.Keys);
        var dtypes = new Dictionary<string, string>
        {
            ["f32"] = "F32", ["f64"] = "F64", ["i64"] = "I64", ["u8"] = "U8", ["bool"] = "BOOL", ["scalar"] = "F64", ["empty"] = "F32", ["strided"] = "F32",
        };
        foreach (var (name, t) in tensors)
        {
            var e = seen.GetProperty(name);
            e.GetProperty("dtype").GetString().Should().Be(dtypes[name], name);
            e.GetProperty("shape").EnumerateArray().Select(v => v.GetInt64()).Should().Equal(t.shape, name);
            var values = e.GetProperty("values").EnumerateArray().ToList();
            switch (t.dtype)
            {
                case ScalarType.Int64:
                    values.Select(v => v.GetInt64()).Should().Equal(HostValues.Read<long>(t), name);
                    break;
                case ScalarType.Bool:
                    values.Select(v => v.GetBoolean()).Should().Equal(HostValues.Read<bool>(t), name);
                    break;
                default:
                    // JSON carries numpy's shortest round-trip repr, so parsing gives the exact value back.
                    values.Select(v => v.GetDouble()).Should().Equal(HostValues.Doubles(t), name);
                    break;
            }
        }
    }

    [SkippableFact]
    public void We_read_what_numpy_wrote()
    {
        PythonNumpy.Require();
        using var scope = NewDisposeScope();
        var path = Path.Combine(_dir, "numpy.safetensors");
        PythonNumpy.Run(NumpyScript, "write-fixture", path);
        var t = SafeTensors.load(path, out var meta);

        // safetensors_np.fixture(), recomputed here.
        meta.Should().BeEquivalentTo(new Dictionary<string, string> { ["format"] = "pt", ["producer"] = "safetensors_np.py" });
        TensorAssert.Equal(t["weight"], tensor(Enumerable.Range(0, 6).Select(i => i * 0.5f - 1).ToArray(), [2, 3]), "weight");
        TensorAssert.Equal(t["bias"], tensor(new[] { 1.0 / 3, -2.5e-300 }), "bias");
        t["half"].dtype.Should().Be(ScalarType.Float16);
        HostValues.Doubles(t["half"]).Should().Equal(0.5, -2.0, 65504);
        t["bf16"].dtype.Should().Be(ScalarType.BFloat16);
        HostValues.Doubles(t["bf16"]).Should().Equal(1, -2);
        TensorAssert.Equal(t["steps"], tensor(new[] { -(1L << 40), 7 }, [2, 1]), "steps");
        TensorAssert.Equal(t["idx"], tensor(new[] { -1, 0, int.MaxValue }), "idx");
        TensorAssert.Equal(t["short"], tensor(new short[] { -32768, 12345 }), "short");
        TensorAssert.Equal(t["tiny"], tensor(new sbyte[] { -128, 127 }), "tiny");
        TensorAssert.Equal(t["pixels"], tensor(Enumerable.Range(0, 8).Select(i => (byte)(i * 30)).ToArray(), [2, 2, 2]), "pixels");
        TensorAssert.Equal(t["mask"], tensor(new[] { true, false, true }), "mask");
        TensorAssert.Equal(t["scalar"], tensor(42f), "scalar");
        TensorAssert.Equal(t["empty"], zeros([0, 4]), "empty");
    }

    [SkippableFact]
    public void Tensors_of_every_dtype_survive_the_trip_through_numpy_and_torch_and_back()
    {
        using var scope = NewDisposeScope();
        var tensors = EveryDType();
        tensors["nonfinite64"] = tensor(new double[] { double.NaN, double.PositiveInfinity, double.NegativeInfinity });
        var back = py.Run("echo", tensors);
        back.Keys.Should().BeEquivalentTo(tensors.Keys);
        foreach (var (name, t) in tensors) TensorAssert.Same(back[name], t, name);
    }
}
