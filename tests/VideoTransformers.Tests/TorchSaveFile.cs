using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text;

namespace VideoTransformers.Tests;

/// <summary>
/// Writes a state dict in <c>torch.save</c>'s zip format from C#: <c>&lt;archive&gt;/data.pkl</c> (protocol 2, an
/// OrderedDict of <c>torch._utils._rebuild_tensor_v2</c> calls whose storages are persistent ids), one stored entry
/// <c>&lt;archive&gt;/data/&lt;key&gt;</c> per storage, and <c>&lt;archive&gt;/version</c>. Tests change one part at a time
/// to make damaged or hostile files; PyTorchStateDictTests checks that PyTorch itself loads the undamaged ones.
/// </summary>
public sealed class TorchSaveFile
{
    /// <summary>A storage: its bytes, and the element count the pickle declares (its real one unless overridden).</summary>
    public sealed record Storage(string Key, string Type, byte[] Data, long? DeclaredElements = null);

    /// <summary>A tensor: a view of a storage.</summary>
    public sealed record View(string Name, string StorageKey, long Offset, long[] Shape, long[] Stride);

    public string ArchiveName { get; init; } = "archive";
    public List<Storage> Storages { get; } = new();
    public List<View> Tensors { get; } = new();

    public static int ElementSize(string type) => type switch
    {
        "DoubleStorage" or "LongStorage" => 8,
        "FloatStorage" or "IntStorage" => 4,
        "HalfStorage" or "BFloat16Storage" or "ShortStorage" => 2,
        _ => 1,
    };

    public TorchSaveFile AddStorage<T>(string key, string type, T[] values, long? declaredElements = null) where T : struct
    {
        Storages.Add(new Storage(key, type, MemoryMarshal.AsBytes(values.AsSpan()).ToArray(), declaredElements));
        return this;
    }

    /// <summary>Adds a view; without <paramref name="stride"/>, the contiguous one.</summary>
    public TorchSaveFile AddTensor(string name, string storageKey, long offset, long[] shape, long[]? stride = null)
    {
        Tensors.Add(new View(name, storageKey, offset, shape, stride ?? ContiguousStride(shape)));
        return this;
    }

    public static long[] ContiguousStride(long[] shape)
    {
        var stride = new long[shape.Length];
        long s = 1;
        for (var i = shape.Length - 1; i >= 0; i--)
        {
            stride[i] = s;
            s *= shape[i];
        }
        return stride;
    }

    /// <summary>The state-dict pickle, opcode for opcode as torch.save (protocol 2) writes it, without the memo.</summary>
    public byte[] Pickle()
    {
        var p = new PickleBuilder().Proto(2).Global("collections", "OrderedDict").EmptyTuple().Reduce().Mark();
        foreach (var t in Tensors)
        {
            var s = Storages.Single(x => x.Key == t.StorageKey);
            p.Unicode(t.Name).Global("torch._utils", "_rebuild_tensor_v2").Mark();
            p.Mark().Unicode("storage").Global("torch", s.Type).Unicode(s.Key).Unicode("cpu").Int(s.DeclaredElements ?? s.Data.Length / ElementSize(s.Type)).Tuple().BinPersId();
            p.Int(t.Offset).Ints(t.Shape).Ints(t.Stride).Bool(false).Global("collections", "OrderedDict").EmptyTuple().Reduce().Tuple().Reduce();
        }
        return p.SetItems().Stop().ToArray();
    }

    /// <summary>Writes the file; <paramref name="pickle"/> replaces data.pkl, <paramref name="storageCompression"/> compresses the storages.</summary>
    public void Write(string path, byte[]? pickle = null, CompressionLevel storageCompression = CompressionLevel.NoCompression)
    {
        using var file = File.Create(path);
        using var zip = new ZipArchive(file, ZipArchiveMode.Create);
        Add(zip, ArchiveName + "/data.pkl", pickle ?? Pickle(), CompressionLevel.NoCompression);
        foreach (var s in Storages) Add(zip, $"{ArchiveName}/data/{s.Key}", s.Data, storageCompression);
        Add(zip, ArchiveName + "/version", Encoding.ASCII.GetBytes("3\n"), CompressionLevel.NoCompression);
    }

    private static void Add(ZipArchive zip, string name, byte[] data, CompressionLevel level)
    {
        using var stream = zip.CreateEntry(name, level).Open();
        stream.Write(data);
    }
}
