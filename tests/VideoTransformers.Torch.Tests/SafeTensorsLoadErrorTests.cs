using FluentAssertions;
using VideoTransformers.Torch.Serialization;
using Xunit;
using static TorchSharp.torch;

namespace VideoTransformers.Torch.Tests;

/// <summary>
/// SafeTensors.load on files it must refuse: unsigned dtypes TorchSharp lacks, hostile and truncated headers. Each
/// refusal names the file (and the tensor) and leaves no tensor behind, so these run alone
/// (<see cref="ProcessStateCollection"/>) to read the process-wide live count.
/// </summary>
[Collection(ProcessStateCollection.Name)]
public sealed class SafeTensorsLoadErrorTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vt-stload-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private static long Settled()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return TensorAccounting.LiveTensors;
    }

    [Theory]
    [InlineData("U16", 2)]
    [InlineData("U32", 4)]
    [InlineData("U64", 8)]
    public void A_tensor_of_an_unsigned_dtype_TorchSharp_lacks_fails_naming_file_and_tensor_and_makes_no_tensor(string dtype, int size)
    {
        var path = Path.Combine(_dir, $"{dtype}.safetensors");
        // Supported tensors sort both before and after the unsupported one, so a loader that made tensors as it went
        // would leave some behind.
        SafeTensorsFormat.Write(path,
        [
            new SafeTensorEntry("a.first", "F32", [2], new byte[8]),
            new SafeTensorEntry("m.counts", dtype, [3], new byte[3 * size]),
            new SafeTensorEntry("z.last", "I64", [1], new byte[8]),
        ]);
        var before = Settled();
        var e = ((Action)(() => SafeTensors.load(path))).Should().Throw<NotSupportedException>().Which;
        e.Message.Should().Contain(path).And.Contain("'m.counts'").And.Contain(dtype);
        Settled().Should().Be(before, "no tensor may be made before the dtypes are checked");

        // The format layer itself reads the file: only the TorchSharp conversion refuses it.
        SafeTensorsFormat.Read(path)["m.counts"].DType.Should().Be(dtype);
    }

    [Fact]
    public void FromEntry_refuses_an_unsigned_dtype_by_name()
    {
        var entry = new SafeTensorEntry("w", "U32", [1], new byte[4]);
        ((Action)(() => SafeTensors.FromEntry(entry))).Should().Throw<NotSupportedException>().Which.Message.Should().Contain("U32").And.Contain("'w'");
    }

    [Fact]
    public void A_truncated_file_fails_with_the_file_and_the_incomplete_tensor_and_leaks_nothing()
    {
        var path = Path.Combine(_dir, "cut.safetensors");
        using (var scope = NewDisposeScope())
            SafeTensors.save(new Dictionary<string, Tensor> { ["a"] = ones(4), ["b"] = ones(100) }, path);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^40]);
        var before = Settled();
        var e = ((Action)(() => SafeTensors.load(path))).Should().Throw<InvalidDataException>().Which;
        e.Message.Should().Contain(path).And.Contain("truncated").And.Contain("'b'");
        Settled().Should().Be(before);
    }

    [Theory]
    [InlineData(0, "header cut inside the length prefix")]
    [InlineData(5, "header cut inside the length prefix")]
    [InlineData(20, "header cut inside the JSON")]
    public void A_file_cut_inside_its_header_fails_clearly(int keep, string what)
    {
        var path = Path.Combine(_dir, "head.safetensors");
        using (var scope = NewDisposeScope())
            SafeTensors.save(new Dictionary<string, Tensor> { ["weights"] = ones(4) }, path);
        File.WriteAllBytes(path, File.ReadAllBytes(path)[..keep]);
        var before = Settled();
        ((Action)(() => SafeTensors.load(path))).Should().Throw<InvalidDataException>(what).Which.Message.Should()
            .Contain(path).And.Contain("is not a valid safetensors file");
        Settled().Should().Be(before);
    }

    [Theory]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,8]}}", "'w'")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[-4],\"data_offsets\":[0,16]}}", "'w'")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[4611686018427387904,4],\"data_offsets\":[0,16]}}", "'w'")]
    [InlineData("{\"w\":{\"dtype\":\"Q4\",\"shape\":[4],\"data_offsets\":[0,16]}}", "Q4")]
    [InlineData("[1, 2, 3]", "the header does not start with '{'")]
    [InlineData("{\"w\": ", "the header is not valid JSON")]
    public void Hostile_headers_fail_with_an_InvalidDataException_naming_the_file(string header, string detail)
    {
        var path = Path.Combine(_dir, "hostile.safetensors");
        var json = System.Text.Encoding.UTF8.GetBytes(header);
        using (var f = File.Create(path))
        {
            f.Write(BitConverter.GetBytes((ulong)json.Length));
            f.Write(json);
            f.Write(new byte[16]);
        }
        var before = Settled();
        ((Action)(() => SafeTensors.load(path))).Should().Throw<InvalidDataException>().Which.Message.Should().Contain(path).And.Contain(detail);
        Settled().Should().Be(before);
    }

    [Fact]
    public void A_header_length_beyond_the_file_fails_before_allocating_it()
    {
        var path = Path.Combine(_dir, "huge.safetensors");
        using (var f = File.Create(path))
        {
            f.Write(BitConverter.GetBytes(ulong.MaxValue - 7));
            f.Write("{}"u8);
        }
        ((Action)(() => SafeTensors.load(path))).Should().Throw<InvalidDataException>().Which.Message.Should().Contain(path);
    }
}
