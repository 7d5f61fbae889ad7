using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using FluentAssertions;
using VideoTransformers.Interop;
using VideoTransformers.TestSupport;
using VideoTransformers.Torch;
using Xunit;
using static TorchSharp.torch;

namespace VideoTransformers.Tests;

/// <summary>
/// <see cref="PyTorchStateDict"/> on files made here: views, strides and dtypes load as written; damaged and hostile
/// files (truncated, random, forbidden globals, sizes the data does not back, compressed or lying zip entries, legacy
/// formats) give an exception naming the file, in this process, without a large allocation and without leaving a
/// tensor behind. Serial, so that the live-tensor count is this test's alone.
/// </summary>
[Collection(SerialCollection.Name)]
public class PyTorchStateDictTests
{
    private static readonly float[] Twelve = Enumerable.Range(0, 12).Select(i => (float)i).ToArray();

    /// <summary>A valid file with two float storages and a long one, in views that cover offsets, strides and a scalar.</summary>
    internal static TorchSaveFile Sample() => new TorchSaveFile()
        .AddStorage("0", "FloatStorage", Twelve)
        .AddStorage("1", "LongStorage", new long[] { 7, -8, long.MaxValue })
        .AddStorage("2", "FloatStorage", new[] { 0.5f, -1.5f })
        .AddTensor("matrix", "0", 0, [3, 4])
        .AddTensor("window", "0", 5, [2, 2], [4, 1])
        .AddTensor("transposed", "0", 0, [4, 3], [1, 4])
        .AddTensor("scalar", "0", 7, [])
        .AddTensor("empty", "0", 12, [0, 3])
        .AddTensor("longs", "1", 0, [3])
        .AddTensor("bias", "2", 0, [2]);

    private static string TempFile() => Path.Combine(Path.GetTempPath(), $"vt-ptsd-{Guid.NewGuid():N}.bin");

    [Fact]
    public void Views_offsets_strides_and_dtypes_load_as_written()
    {
        var path = TempFile();
        try
        {
            Sample().Write(path);
            using var scope = NewDisposeScope();
            var sd = PyTorchStateDict.Load(path);
            sd.Keys.Should().BeEquivalentTo("matrix", "window", "transposed", "scalar", "empty", "longs", "bias");
            sd["matrix"].shape.Should().Equal(3, 4);
            sd["matrix"].data<float>().ToArray().Should().Equal(Twelve);
            sd["window"].data<float>().ToArray().Should().Equal(5f, 6f, 9f, 10f);
            sd["transposed"].shape.Should().Equal(4, 3);
            sd["transposed"].data<float>().ToArray().Should().Equal(0f, 4f, 8f, 1f, 5f, 9f, 2f, 6f, 10f, 3f, 7f, 11f);
            sd["scalar"].shape.Should().BeEmpty();
            sd["scalar"].item<float>().Should().Be(7f);
            sd["empty"].shape.Should().Equal(0, 3);
            sd["longs"].dtype.Should().Be(ScalarType.Int64);
            sd["longs"].data<long>().ToArray().Should().Equal(7, -8, long.MaxValue);
            sd["bias"].data<float>().ToArray().Should().Equal(0.5f, -1.5f);
            sd.Values.Should().OnlyContain(t => t.is_contiguous() && t.device_type == TorchSharp.DeviceType.CPU);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void Protocol_4_opcodes_and_the_state_dicts_metadata_are_understood()
    {
        // FRAME, SHORT_BINUNICODE, STACK_GLOBAL and MEMOIZE (protocol 4), and the BUILD that restores state_dict()'s
        // _metadata, around one tensor.
        var file = new TorchSaveFile().AddStorage("0", "FloatStorage", new[] { 1f, 2f });
        var p = new PickleBuilder().Proto(4).Op(0x95).Raw(new byte[8])
            .ShortUnicode("collections").ShortUnicode("OrderedDict").StackGlobal().Op(0x94).EmptyTuple().Reduce().Op(0x94)
            .ShortUnicode("w").ShortUnicode("torch._utils").ShortUnicode("_rebuild_tensor_v2").StackGlobal()
            .Mark().Mark().ShortUnicode("storage").ShortUnicode("torch").ShortUnicode("FloatStorage").StackGlobal().ShortUnicode("0").ShortUnicode("cpu").Int(2).Tuple().BinPersId()
            .Int(0).Ints([2]).Ints([1]).Bool(false).Op((byte)'h').Op(0).EmptyTuple().Reduce().None().Tuple().Reduce().SetItem()
            .EmptyDict().ShortUnicode("_metadata").Op((byte)'h').Op(0).EmptyTuple().Reduce().ShortUnicode("").EmptyDict().ShortUnicode("version").Int(1).SetItem().SetItem().SetItem()
            .Build().Stop().ToArray();
        var path = TempFile();
        try
        {
            file.Write(path, p);
            using var scope = NewDisposeScope();
            var sd = PyTorchStateDict.Load(path);
            sd.Keys.Should().Equal("w");
            sd["w"].data<float>().ToArray().Should().Equal(1f, 2f);
        }
        finally { File.Delete(path); }
    }

    /// <summary>A damaged or hostile file: how to write it, what must be thrown, and what the message must say.</summary>
    public sealed record Hostile(string Name, Action<string> Write, Type Exception, params string[] Says)
    {
        public override string ToString() => Name;
    }

    private static readonly Dictionary<string, Hostile> Cases = new[]
    {
        new Hostile("empty file", p => File.WriteAllBytes(p, Array.Empty<byte>()), typeof(InvalidDataException), "empty or truncated"),
        new Hostile("truncated to 3 bytes", p => Truncate(p, 3), typeof(InvalidDataException), "empty or truncated"),
        new Hostile("truncated to 200 bytes", p => Truncate(p, 200), typeof(InvalidDataException), "truncated or damaged"),
        new Hostile("truncated to half", p => Truncate(p, -2), typeof(InvalidDataException), "truncated or damaged"),
        new Hostile("last byte missing", p => Truncate(p, -1), typeof(InvalidDataException), "truncated or damaged"),
        new Hostile("random bytes", p => File.WriteAllBytes(p, RandomBytes(4096, 1)), typeof(InvalidDataException), "not a PyTorch checkpoint"),
        new Hostile("random bytes after a zip signature", p => File.WriteAllBytes(p, (byte[])[.. "PK\u0003\u0004"u8, .. RandomBytes(4096, 2)]), typeof(InvalidDataException), "not a readable zip archive"),
        new Hostile("damaged local header of the last storage", p => DamageLocalHeader(p, "archive/data/2"), typeof(InvalidDataException), "archive/data/2", "cannot be read"),
        new Hostile("storage declares more elements than its data", p => new TorchSaveFile().AddStorage("0", "FloatStorage", Twelve, declaredElements: 1_000_000_000).AddTensor("w", "0", 0, [12]).Write(p),
            typeof(InvalidDataException), "declares 1000000000 FloatStorage elements (4000000000 bytes)", "holds 48 bytes"),
        new Hostile("storage declares 2^40 elements", p => new TorchSaveFile().AddStorage("0", "FloatStorage", Twelve, declaredElements: 1L << 40).AddTensor("w", "0", 0, [12]).Write(p),
            typeof(InvalidDataException), "declares 1099511627776 FloatStorage elements", "holds 48 bytes"),
        new Hostile("storage declares 2^62 elements (bytes overflow)", p => new TorchSaveFile().AddStorage("0", "FloatStorage", Twelve, declaredElements: 1L << 62).AddTensor("w", "0", 0, [12]).Write(p),
            typeof(InvalidDataException), "overflowing", "holds 48 bytes"),
        new Hostile("storage declares fewer elements than its data", p => new TorchSaveFile().AddStorage("0", "FloatStorage", Twelve, declaredElements: 2).AddTensor("w", "0", 0, [2]).Write(p),
            typeof(InvalidDataException), "declares 2 FloatStorage elements", "holds 48 bytes"),
        new Hostile("tensor of 2^40 elements over 12", p => new TorchSaveFile().AddStorage("0", "FloatStorage", Twelve).AddTensor("w", "0", 0, [1 << 20, 1 << 20]).Write(p),
            typeof(InvalidDataException), "tensor 'w'", "reaches past the end of its storage '0' of 12 elements"),
        new Hostile("tensor past the end by one", p => new TorchSaveFile().AddStorage("0", "FloatStorage", Twelve).AddTensor("w", "0", 1, [12]).Write(p),
            typeof(InvalidDataException), "tensor 'w'", "reaches past the end"),
        new Hostile("stride-0 view expanded to 2^40 elements", p => new TorchSaveFile().AddStorage("0", "FloatStorage", Twelve).AddTensor("w", "0", 0, [1 << 20, 1 << 20], [0, 0]).Write(p),
            typeof(InvalidDataException), "tensor 'w' is a strided view of 1099511627776 elements", "more memory than the file"),
        new Hostile("shape whose element count overflows", p => new TorchSaveFile().AddStorage("0", "FloatStorage", Twelve).AddTensor("w", "0", 0, [1L << 40, 1L << 40], [0, 0]).Write(p),
            typeof(InvalidDataException), "element count overflows"),
        new Hostile("negative stride", p => new TorchSaveFile().AddStorage("0", "FloatStorage", Twelve).AddTensor("w", "0", 11, [12], [-1]).Write(p),
            typeof(InvalidDataException), "negative offset, size or stride"),
        new Hostile("storage with no entry", p => WriteWithoutEntry(p), typeof(InvalidDataException), "storage '1'", "no entry archive/data/1"),
        new Hostile("zip entry declaring 3 GB in a small file", p => DeclareSize(p, "archive/data/0", 3_000_000_000), typeof(InvalidDataException), "archive/data/0", "3000000000 declared"),
        new Hostile("deflated storage (zip bomb)", p => ZipBomb(p), typeof(InvalidDataException), "archive/data/0 is compressed", "64000000 declared"),
        new Hostile("no data.pkl", p => { using var z = ZipFile.Open(p, ZipArchiveMode.Create); z.CreateEntry("archive/version"); }, typeof(InvalidDataException), "not a torch.save checkpoint", "has 0"),
        new Hostile("a list, not a dict", p => Sample().Write(p, new PickleBuilder().Proto().EmptyList().Stop().ToArray()), typeof(InvalidDataException), "holds a list, not a state dict"),
        new Hostile("a wrapped state dict", p => Sample().Write(p, new PickleBuilder().Proto().EmptyDict().Unicode("state_dict").EmptyDict().SetItem().Stop().ToArray()),
            typeof(InvalidDataException), "'state_dict' holds a dict, not a tensor"),
        new Hostile("no STOP", p => Sample().Write(p, Sample().Pickle()[..^1]), typeof(InvalidDataException), "without a STOP"),
        new Hostile("string length past the end", p => Sample().Write(p, new PickleBuilder().Proto().Op((byte)'X').Raw([0xff, 0xff, 0xff, 0xff]).Stop().ToArray()),
            typeof(InvalidDataException), "a length of 4294967295 bytes", "runs past the end"),
        new Hostile("memo read before it is written", p => Sample().Write(p, new PickleBuilder().Proto().Op((byte)'j').Raw([1, 0, 0, 0x70]).Stop().ToArray()),
            typeof(InvalidDataException), "memo entry 1879048193"),
        new Hostile("INST opcode", p => Sample().Write(p, new PickleBuilder().Proto().Mark().Op((byte)'i').Raw("os\nsystem\n"u8).Stop().ToArray()),
            typeof(InvalidDataException), "opcode 0x69"),
        new Hostile("storage type called as a function", p => Sample().Write(p, new PickleBuilder().Proto().Global("torch", "FloatStorage").EmptyTuple().Reduce().Stop().ToArray()),
            typeof(InvalidDataException), "torch.FloatStorage is called"),
        new Hostile("backward hooks that are not empty", p => Sample().Write(p, HooksPickle()), typeof(InvalidDataException), "_rebuild_tensor_v2 expects"),
        new Hostile("legacy raw pickle format", p => File.WriteAllBytes(p, (byte[])[0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, (byte)'.']),
            typeof(NotSupportedException), "legacy torch.save format"),
        new Hostile("legacy tar format", p => File.WriteAllBytes(p, TarHeader()), typeof(NotSupportedException), "tar archive"),
        new Hostile("big-endian byte order", p => { Sample().Write(p); using var z = ZipFile.Open(p, ZipArchiveMode.Update); using var s = z.CreateEntry("archive/byteorder", CompressionLevel.NoCompression).Open(); s.Write("big"u8); },
            typeof(NotSupportedException), "byte order 'big'"),
    }.ToDictionary(c => c.Name);

    public static IEnumerable<object[]> CaseNames() => Cases.Keys.Select(k => new object[] { k });

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Damaged_and_hostile_files_give_a_clear_exception_and_allocate_nothing_large(string name)
    {
        var c = Cases[name];
        var path = TempFile();
        try
        {
            c.Write(path);
            Expect(path, c.Exception, c.Says);
        }
        finally { File.Delete(path); }
    }

    [Theory]
    [InlineData("os", "system", false)]
    [InlineData("posix", "system", false)]
    [InlineData("builtins", "eval", false)]
    [InlineData("builtins", "eval", true)]
    [InlineData("builtins", "exec", false)]
    [InlineData("builtins", "getattr", true)]
    [InlineData("subprocess", "Popen", false)]
    [InlineData("torch", "load", false)]
    [InlineData("torch._utils", "_rebuild_tensor_v3", false)]
    [InlineData("collections", "defaultdict", false)]
    public void Forbidden_globals_are_refused_before_anything_is_called(string module, string name, bool stackGlobal)
    {
        // The global in the place where torch.save puts _rebuild_tensor_v2, called with a string as `os.system` would be.
        var p = new PickleBuilder().Proto(stackGlobal ? (byte)4 : (byte)2).Global("collections", "OrderedDict").EmptyTuple().Reduce().Unicode("w");
        p = stackGlobal ? p.Unicode(module).Unicode(name).StackGlobal() : p.Global(module, name);
        var pickle = p.Mark().Unicode("touch /tmp/vt-pwned").Tuple().Reduce().SetItem().Stop().ToArray();
        var path = TempFile();
        try
        {
            Sample().Write(path, pickle);
            Expect(path, typeof(InvalidDataException), [$"global {module}.{name}", "not on the allow-list"]);
        }
        finally { File.Delete(path); }
    }

    private static void Expect(string path, Type exception, string[] says)
    {
        // Earlier tests' dropped tensors are finalized first, so that the count below is this load's alone.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var live = TensorAccounting.LiveTensors;
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var act = () =>
        {
            using var scope = NewDisposeScope();
            PyTorchStateDict.Load(path);
        };
        var thrown = act.Should().Throw<Exception>().Which;
        thrown.Should().BeOfType(exception, thrown.ToString());
        thrown.Message.Should().Contain(path);
        foreach (var s in says) thrown.Message.Should().Contain(s);
        (GC.GetAllocatedBytesForCurrentThread() - allocated).Should().BeLessThan(8 << 20, "a hostile file must not make the reader allocate");
        TensorAccounting.LiveTensors.Should().Be(live, "a failed load leaves no tensor behind");
    }

    private static byte[] RandomBytes(int n, int seed)
    {
        var b = new byte[n];
        new Random(seed).NextBytes(b);
        return b;
    }

    // Writes the sample and cuts it to n bytes (n < 0: to 1/-n of its length, -1: all but the last byte).
    private static void Truncate(string path, int n)
    {
        Sample().Write(path);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(n >= 0 ? n : n == -1 ? bytes.Length - 1 : bytes.Length / -n)]);
    }

    private static void WriteWithoutEntry(string path)
    {
        var f = new TorchSaveFile().AddStorage("0", "FloatStorage", Twelve).AddStorage("1", "FloatStorage", Twelve).AddTensor("a", "0", 0, [12]).AddTensor("b", "1", 0, [12]);
        var pickle = f.Pickle();
        f.Storages.RemoveAt(1);
        f.Write(path, pickle);
    }

    private static int LocalHeader(byte[] zip, string entry)
    {
        var name = Encoding.ASCII.GetBytes(entry);
        for (var i = 0; i + 30 < zip.Length; i++)
            if (zip.AsSpan(i).StartsWith("PK\u0003\u0004"u8) && BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(i + 26)) == name.Length && zip.AsSpan(i + 30).StartsWith(name))
                return i;
        throw new InvalidOperationException($"no local header for {entry}");
    }

    private static void DamageLocalHeader(string path, string entry)
    {
        Sample().Write(path);
        var bytes = File.ReadAllBytes(path);
        bytes[LocalHeader(bytes, entry)] = (byte)'X';
        File.WriteAllBytes(path, bytes);
    }

    // Sets the uncompressed size of a stored entry in its local header and the central directory, leaving the data as it is.
    private static void DeclareSize(string path, string entry, uint size)
    {
        Sample().Write(path);
        var bytes = File.ReadAllBytes(path);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(LocalHeader(bytes, entry) + 22), size);
        var name = Encoding.ASCII.GetBytes(entry);
        var patched = false;
        for (var i = 0; i + 46 < bytes.Length; i++)
            if (bytes.AsSpan(i).StartsWith("PK\u0001\u0002"u8) && bytes.AsSpan(i + 46).StartsWith(name) && BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(i + 28)) == name.Length)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(i + 24), size);
                patched = true;
            }
        patched.Should().BeTrue();
        File.WriteAllBytes(path, bytes);
    }

    // 64 MB of zeros deflated to some 60 KB, declared as the 16 M floats it expands to.
    private static void ZipBomb(string path) =>
        new TorchSaveFile().AddStorage("0", "FloatStorage", new float[16_000_000]).AddTensor("w", "0", 0, [16_000_000]).Write(path, storageCompression: CompressionLevel.SmallestSize);

    private static byte[] HooksPickle()
    {
        // _rebuild_tensor_v2 whose backward_hooks dict is not empty.
        return new PickleBuilder().Proto().Global("collections", "OrderedDict").EmptyTuple().Reduce().Unicode("w").Global("torch._utils", "_rebuild_tensor_v2")
            .Mark().Mark().Unicode("storage").Global("torch", "FloatStorage").Unicode("0").Unicode("cpu").Int(12).Tuple().BinPersId()
            .Int(0).Ints([12]).Ints([1]).Bool(false).EmptyDict().Int(1).Unicode("hook").SetItem().Tuple().Reduce().SetItem().Stop().ToArray();
    }

    private static byte[] TarHeader()
    {
        var b = new byte[1024];
        "archive/tensors"u8.CopyTo(b);
        "ustar"u8.CopyTo(b.AsSpan(257));
        return b;
    }
}
