using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using FluentAssertions;
using VideoTransformers.TestSupport;
using VideoTransformers.Torch.Serialization;
using Xunit;

namespace VideoTransformers.Torch.Tests;

public class SafeTensorsFormatTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "vt-st-" + Guid.NewGuid().ToString("N"));

    public SafeTensorsFormatTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, true);

    // The real `safetensors` Python package cannot be installed here (PyPI is unreachable), so the cross-checks
    // use tests/python/safetensors_np.py, a numpy + json + struct implementation that follows the published spec exactly.
    private static string PythonScript => Path.Combine(SharedData.RepoRoot, "tests", "python", "safetensors_np.py");

    private static byte[] Floats(params float[] v)
    {
        var b = new byte[v.Length * 4];
        for (var i = 0; i < v.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(b.AsSpan(i * 4), v[i]);
        return b;
    }

    private static byte[] Doubles(params double[] v)
    {
        var b = new byte[v.Length * 8];
        for (var i = 0; i < v.Length; i++) BinaryPrimitives.WriteDoubleLittleEndian(b.AsSpan(i * 8), v[i]);
        return b;
    }

    private static byte[] Int64s(params long[] v)
    {
        var b = new byte[v.Length * 8];
        for (var i = 0; i < v.Length; i++) BinaryPrimitives.WriteInt64LittleEndian(b.AsSpan(i * 8), v[i]);
        return b;
    }

    private static byte[] UInt16s(params ushort[] v)
    {
        var b = new byte[v.Length * 2];
        for (var i = 0; i < v.Length; i++) BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(i * 2), v[i]);
        return b;
    }

    private static byte[] Int32s(params int[] v)
    {
        var b = new byte[v.Length * 4];
        for (var i = 0; i < v.Length; i++) BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(i * 4), v[i]);
        return b;
    }

    /// <summary>A tensor of every supported dtype with values chosen to expose byte-order and sign errors.</summary>
    private static List<SafeTensorEntry> AllDTypes() =>
    [
        new("w.f32", "F32", [2, 2], Floats(1.5f, -2f, 0.1f, float.MaxValue)),
        new("w.f64", "F64", [2], Doubles(1.0 / 3, -1e-300)),
        new("w.f16", "F16", [2], UInt16s(BitConverter.HalfToUInt16Bits((Half)0.5), BitConverter.HalfToUInt16Bits((Half)(-65504)))),
        new("w.bf16", "BF16", [2], UInt16s(0x3F80, 0xC000)),
        new("i.i64", "I64", [1, 2], Int64s(-(1L << 40), 7)),
        new("i.i32", "I32", [3], Int32s(-1, 0, int.MaxValue)),
        new("i.i16", "I16", [2], new byte[] { 0x00, 0x80, 0x39, 0x30 }), // -32768, 12345
        new("i.i8", "I8", [2], new byte[] { 0x80, 0x7F }),
        new("u.u8", "U8", [2, 1, 2], new byte[] { 0, 30, 60, 255 }),
        new("b.mask", "BOOL", [3], new byte[] { 1, 0, 1 }),
        new("s.scalar", "F32", [], Floats(42f)),
        new("z.empty", "F32", [0, 4], Array.Empty<byte>()),
    ];

    private static byte[] WriteToBytes(IEnumerable<SafeTensorEntry> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        using var ms = new MemoryStream();
        SafeTensorsFormat.Write(ms, tensors, metadata);
        return ms.ToArray();
    }

    /// <summary>Builds a file from a hand-written header, for corruption tests that the writer would never produce.</summary>
    private static byte[] RawFile(string headerJson, byte[] data)
    {
        var header = Encoding.UTF8.GetBytes(headerJson);
        var file = new byte[8 + header.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)header.Length);
        header.CopyTo(file, 8);
        data.CopyTo(file, 8 + header.Length);
        return file;
    }

    private string SaveFile(string name, byte[] bytes)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Fact]
    public void Round_trip_preserves_every_tensor_and_the_metadata()
    {
        var tensors = AllDTypes();
        var metadata = new Dictionary<string, string> { ["format"] = "pt", ["epoch"] = "3", ["note"] = "naïve \"quoted\" + <tag>" };
        var content = SafeTensorsFormat.Read(new MemoryStream(WriteToBytes(tensors, metadata)), "mem");

        content.Metadata.Should().BeEquivalentTo(metadata);
        content.Tensors.Select(t => t.Name).Should().Equal(tensors.Select(t => t.Name).Order(StringComparer.Ordinal));
        foreach (var expected in tensors)
        {
            var actual = content[expected.Name];
            actual.DType.Should().Be(expected.DType);
            actual.Shape.Should().Equal(expected.Shape);
            actual.Data.ToArray().Should().Equal(expected.Data.ToArray(), expected.Name);
        }
    }

    [Fact]
    public void Writer_sorts_by_name_packs_data_contiguously_and_pads_the_header_to_8_bytes()
    {
        var bytes = WriteToBytes([new("b", "F32", [1], Floats(2f)), new("a", "I8", [3], new byte[] { 1, 2, 3 })]);
        var n = (long)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        (n % 8).Should().Be(0);
        var header = Encoding.UTF8.GetString(bytes, 8, (int)n);
        header.TrimEnd(' ').Should().Be("""{"a":{"dtype":"I8","shape":[3],"data_offsets":[0,3]},"b":{"dtype":"F32","shape":[1],"data_offsets":[3,7]}}""");
        header[header.TrimEnd(' ').Length..].Should().MatchRegex("^ *$");
        bytes.AsSpan(8 + (int)n).ToArray().Should().Equal([1, 2, 3, .. Floats(2f)]);
    }

    [Fact]
    public void Metadata_is_omitted_when_empty_and_written_first_when_present()
    {
        var without = WriteToBytes([new("x", "U8", [1], new byte[] { 9 })]);
        Encoding.UTF8.GetString(without).Should().NotContain("__metadata__");
        var with = WriteToBytes([new("x", "U8", [1], new byte[] { 9 })], new Dictionary<string, string> { ["k"] = "v" });
        Encoding.UTF8.GetString(with, 8, with.Length - 9).Should().StartWith("""{"__metadata__":{"k":"v"},"x":""");
    }

    [Fact]
    public void ReadHeader_reports_offsets_without_loading_data()
    {
        var path = SaveFile("h.safetensors", WriteToBytes(AllDTypes(), new Dictionary<string, string> { ["a"] = "b" }));
        var header = SafeTensorsFormat.ReadHeader(path);
        header.Metadata.Should().ContainKey("a").WhoseValue.Should().Be("b");
        header.Tensors.Should().HaveCount(12);
        header.Tensors[0].Begin.Should().Be(0);
        for (var i = 1; i < header.Tensors.Count; i++) header.Tensors[i].Begin.Should().Be(header.Tensors[i - 1].End);
        header.DataStart.Should().Be(new FileInfo(path).Length - header.DataLength);
        var f32 = header.Tensors.Single(t => t.Name == "w.f32");
        f32.Shape.Should().Equal(2, 2);
        f32.ByteLength.Should().Be(16);
    }

    [Fact]
    public void File_round_trip_and_non_seekable_stream_read_agree()
    {
        var path = Path.Combine(_dir, "f.safetensors");
        SafeTensorsFormat.Write(path, AllDTypes());
        File.Exists(path + ".tmp").Should().BeFalse();
        var fromFile = SafeTensorsFormat.Read(path);
        using var fs = File.OpenRead(path);
        var fromPipe = SafeTensorsFormat.Read(new NonSeekableStream(fs), "pipe");
        fromPipe.Tensors.Select(t => t.Data.ToArray()).Should().BeEquivalentTo(fromFile.Tensors.Select(t => t.Data.ToArray()), o => o.WithStrictOrdering());
    }

    [Fact]
    public void Writer_rejects_inconsistent_tensors()
    {
        var wrongSize = () => WriteToBytes([new("x", "F32", [2], new byte[7])]);
        wrongSize.Should().Throw<ArgumentException>().WithMessage("*'x'*8 bytes*7*");
        var dup = () => WriteToBytes([new("x", "U8", [1], new byte[1]), new("x", "U8", [1], new byte[1])]);
        dup.Should().Throw<ArgumentException>().WithMessage("*'x'*twice*");
        var reserved = () => WriteToBytes([new("__metadata__", "U8", [1], new byte[1])]);
        reserved.Should().Throw<ArgumentException>().WithMessage("*reserved*");
        var dtype = () => WriteToBytes([new("x", "F8", [1], new byte[1])]);
        dtype.Should().Throw<ArgumentException>().WithMessage("*'x'*unknown dtype 'F8'*");
    }

    [SkippableFact]
    public void Python_reference_reads_what_we_write()
    {
        PythonNumpy.Require();
        var path = Path.Combine(_dir, "ours.safetensors");
        SafeTensorsFormat.Write(path, AllDTypes(), new Dictionary<string, string> { ["producer"] = "dotnet" });

        using var dump = JsonDocument.Parse(PythonNumpy.Run(PythonScript, "dump", path));
        dump.RootElement.GetProperty("metadata").GetProperty("producer").GetString().Should().Be("dotnet");
        var t = dump.RootElement.GetProperty("tensors");
        t.EnumerateObject().Select(p => p.Name).Should().BeEquivalentTo(AllDTypes().Select(e => e.Name));

        double[] Values(string name) => t.GetProperty(name).GetProperty("values").EnumerateArray()
            .Select(v => v.ValueKind switch { JsonValueKind.True => 1, JsonValueKind.False => 0, _ => v.GetDouble() }).ToArray();
        long[] Shape(string name) => t.GetProperty(name).GetProperty("shape").EnumerateArray().Select(v => v.GetInt64()).ToArray();

        Values("w.f32").Should().Equal(1.5, -2, (double)0.1f, float.MaxValue);
        Shape("w.f32").Should().Equal(2, 2);
        Values("w.f64").Should().Equal(1.0 / 3, -1e-300);
        Values("w.f16").Should().Equal(0.5, -65504);
        Values("w.bf16").Should().Equal(0x3F80, 0xC000);
        Values("i.i64").Should().Equal(-(1L << 40), 7);
        Shape("i.i64").Should().Equal(1, 2);
        Values("i.i32").Should().Equal(-1, 0, int.MaxValue);
        Values("i.i16").Should().Equal(-32768, 12345);
        Values("i.i8").Should().Equal(-128, 127);
        Values("u.u8").Should().Equal(0, 30, 60, 255);
        Shape("u.u8").Should().Equal(2, 1, 2);
        Values("b.mask").Should().Equal(1, 0, 1);
        Values("s.scalar").Should().Equal(42);
        Shape("s.scalar").Should().BeEmpty();
        Shape("z.empty").Should().Equal(0, 4);
        Values("z.empty").Should().BeEmpty();
    }

    [SkippableFact]
    public void We_read_what_the_python_reference_writes()
    {
        PythonNumpy.Require();
        var path = Path.Combine(_dir, "theirs.safetensors");
        PythonNumpy.Run(PythonScript, "write-fixture", path);

        var content = SafeTensorsFormat.Read(path);
        content.Metadata.Should().BeEquivalentTo(new Dictionary<string, string> { ["format"] = "pt", ["producer"] = "safetensors_np.py" });

        float[] F32(string n) => Enumerable.Range(0, content[n].Data.Length / 4).Select(i => BinaryPrimitives.ReadSingleLittleEndian(content[n].Data.Span[(i * 4)..])).ToArray();
        long[] Ints(string n, int size) => Enumerable.Range(0, content[n].Data.Length / size).Select(i =>
        {
            var s = content[n].Data.Span.Slice(i * size, size);
            return size switch
            {
                1 => content[n].DType == "I8" ? (sbyte)s[0] : (long)s[0],
                2 => BinaryPrimitives.ReadInt16LittleEndian(s),
                4 => BinaryPrimitives.ReadInt32LittleEndian(s),
                _ => BinaryPrimitives.ReadInt64LittleEndian(s),
            };
        }).ToArray();

        content["weight"].DType.Should().Be("F32");
        content["weight"].Shape.Should().Equal(2, 3);
        F32("weight").Should().Equal(-1f, -0.5f, 0f, 0.5f, 1f, 1.5f);
        content["bias"].DType.Should().Be("F64");
        BinaryPrimitives.ReadDoubleLittleEndian(content["bias"].Data.Span).Should().Be(1.0 / 3);
        BinaryPrimitives.ReadDoubleLittleEndian(content["bias"].Data.Span[8..]).Should().Be(-2.5e-300);
        var half = content["half"].Data.Span;
        ((double)BitConverter.UInt16BitsToHalf(BinaryPrimitives.ReadUInt16LittleEndian(half[4..]))).Should().Be(65504);
        ((double)BitConverter.UInt16BitsToHalf(BinaryPrimitives.ReadUInt16LittleEndian(half))).Should().Be(0.5);
        content["bf16"].DType.Should().Be("BF16");
        Ints("bf16", 2).Select(v => (ushort)v).Should().Equal(0x3F80, 0xC000);
        Ints("steps", 8).Should().Equal(-(1L << 40), 7);
        content["steps"].Shape.Should().Equal(2, 1);
        Ints("idx", 4).Should().Equal(-1, 0, int.MaxValue);
        Ints("short", 2).Should().Equal(-32768, 12345);
        Ints("tiny", 1).Should().Equal(-128, 127);
        Ints("pixels", 1).Should().Equal(0, 30, 60, 90, 120, 150, 180, 210);
        content["pixels"].Shape.Should().Equal(2, 2, 2);
        Ints("mask", 1).Should().Equal(1, 0, 1);
        content["scalar"].Shape.Should().BeEmpty();
        F32("scalar").Should().Equal(42f);
        content["empty"].Shape.Should().Equal(0, 4);
        content["empty"].Data.Length.Should().Be(0);

        // The reference orders data by dtype size, not by name, so our reader must not assume name order.
        SafeTensorsFormat.ReadHeader(path).Tensors[0].Name.Should().Be("bias");
    }

    [Theory]
    [InlineData("""{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}""", "not valid JSON")]
    [InlineData("""["x"]                                  """, "does not start with '{'")]
    [InlineData("""{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", "names 'x' twice")]
    [InlineData("""{"x":{"dtype":"Q7","shape":[1],"data_offsets":[0,4]}}""", "tensor 'x' has unknown dtype 'Q7'")]
    [InlineData("""{"x":{"shape":[1],"data_offsets":[0,4]}}""", "tensor 'x' has no string 'dtype'")]
    [InlineData("""{"x":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}""", "tensor 'x' shape entry 0 (-1)")]
    [InlineData("""{"x":{"dtype":"F32","shape":[1.5],"data_offsets":[0,4]}}""", "tensor 'x' shape entry 0 (1.5)")]
    [InlineData("""{"x":{"dtype":"F32","shape":[1],"data_offsets":[4]}}""", "tensor 'x' has no 'data_offsets' pair")]
    [InlineData("""{"x":{"dtype":"F32","shape":[1],"data_offsets":[4,0]}}""", "tensor 'x' data_offsets [4,0]")]
    [InlineData("""{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}""", "tensor 'x' of F32 [2] needs 8 bytes but data_offsets [0, 4] hold 4")]
    [InlineData("""{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"y":{"dtype":"F32","shape":[1],"data_offsets":[2,6]}}""", "tensor 'y' data_offsets [2, 6] overlaps tensor 'x'")]
    [InlineData("""{"x":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""", "tensor 'x' data_offsets [4, 8] leaves a gap after the start")]
    [InlineData("""{"x":{"dtype":"U8","shape":[4],"data_offsets":[0,4]}}""", "cover 4 bytes but the data buffer has 8")]
    [InlineData("""{"__metadata__":{"epoch":3},"x":{"dtype":"U8","shape":[8],"data_offsets":[0,8]}}""", "'__metadata__' entry 'epoch' is not a string")]
    [InlineData("""{"__metadata__":"v1","x":{"dtype":"U8","shape":[8],"data_offsets":[0,8]}}""", "'__metadata__' is not a JSON object")]
    [InlineData("""{"x":[0,8]}""", "tensor 'x' is not a JSON object")]
    public void Corrupt_headers_are_rejected_with_file_and_tensor(string header, string reason)
    {
        var path = SaveFile("bad.safetensors", RawFile(header, new byte[8]));
        var act = () => SafeTensorsFormat.Read(path);
        act.Should().Throw<InvalidDataException>().Where(e => e.Message.Contains(path) && e.Message.Contains(reason), $"the message should contain '{reason}'");
    }

    [Fact]
    public void Implausible_header_lengths_are_rejected()
    {
        var huge = new byte[64];
        BinaryPrimitives.WriteUInt64LittleEndian(huge, ulong.MaxValue);
        var act = () => SafeTensorsFormat.Read(SaveFile("huge.safetensors", huge));
        act.Should().Throw<InvalidDataException>().WithMessage("*huge.safetensors*header length 18446744073709551615 is not plausible*");

        var past = new byte[64];
        BinaryPrimitives.WriteUInt64LittleEndian(past, 1000);
        var act2 = () => SafeTensorsFormat.Read(SaveFile("past.safetensors", past));
        act2.Should().Throw<InvalidDataException>().WithMessage("*past.safetensors*header length 1000 runs past the end of the 64-byte file*");

        var act3 = () => SafeTensorsFormat.Read(SaveFile("tiny.safetensors", [1, 2, 3]));
        act3.Should().Throw<InvalidDataException>().WithMessage("*tiny.safetensors*shorter than the 8-byte header length*");
    }

    [Fact]
    public void Truncated_data_names_the_file_and_the_first_incomplete_tensor()
    {
        var bytes = WriteToBytes([new("a", "F32", [4], Floats(1, 2, 3, 4)), new("b", "F32", [4], Floats(5, 6, 7, 8))]);
        var path = SaveFile("cut.safetensors", bytes[..^6]);

        var act = () => SafeTensorsFormat.Read(path);
        act.Should().Throw<InvalidDataException>().WithMessage("*cut.safetensors*truncated data: tensor 'b'*");
        var header = () => SafeTensorsFormat.ReadHeader(path);
        header.Should().Throw<InvalidDataException>().WithMessage("*cut.safetensors*tensor 'b'*");

        var pipe = () => SafeTensorsFormat.Read(new NonSeekableStream(new MemoryStream(bytes[..^20])), "pipe");
        pipe.Should().Throw<InvalidDataException>().WithMessage("*pipe*truncated data: tensor 'a'*only 12 bytes*");
    }

    [Fact]
    public void Trailing_bytes_after_the_covered_buffer_are_rejected_on_a_pipe_too()
    {
        var bytes = WriteToBytes([new("a", "U8", [2], new byte[] { 1, 2 })]);
        var act = () => SafeTensorsFormat.Read(new NonSeekableStream(new MemoryStream([.. bytes, 0])), "pipe");
        act.Should().Throw<InvalidDataException>().WithMessage("*pipe*longer than the 2 bytes*");
    }

    [Fact]
    public void Header_may_be_padded_with_spaces_and_may_hold_no_tensors()
    {
        var content = SafeTensorsFormat.Read(new MemoryStream(RawFile("{}      ", [])), "empty");
        content.Tensors.Should().BeEmpty();
        content.Metadata.Should().BeEmpty();
        var act = () => content["missing"];
        act.Should().Throw<KeyNotFoundException>().WithMessage("*'missing'*");
    }
}
