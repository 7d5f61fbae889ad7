using VideoTransformers.Torch.Serialization;

namespace VideoTransformers.Torch;

public static partial class torch
{
    private static string DTypeName(ScalarType t) => t switch
    {
        ScalarType.Float64 => "F64",
        ScalarType.Float32 => "F32",
        ScalarType.Float16 => "F16",
        ScalarType.BFloat16 => "BF16",
        ScalarType.Int64 => "I64",
        ScalarType.Int32 => "I32",
        ScalarType.Int16 => "I16",
        ScalarType.Int8 => "I8",
        ScalarType.Byte => "U8",
        ScalarType.Bool => "BOOL",
        _ => throw new NotSupportedException($"safetensors cannot store dtype {t}"),
    };

    private static ScalarType DTypeOf(string name) => name switch
    {
        "F64" => ScalarType.Float64,
        "F32" => ScalarType.Float32,
        "F16" => ScalarType.Float16,
        "BF16" => ScalarType.BFloat16,
        "I64" => ScalarType.Int64,
        "I32" => ScalarType.Int32,
        "I16" => ScalarType.Int16,
        "I8" => ScalarType.Int8,
        "U8" => ScalarType.Byte,
        "BOOL" => ScalarType.Bool,
        _ => throw new NotSupportedException($"safetensors dtype {name} has no tensor equivalent here"),
    };

    /// <summary>Converts a tensor to a safetensors entry (copies its bytes to host memory, C order).</summary>
    public static unsafe SafeTensorEntry ToSafeTensorEntry(string name, Tensor t)
    {
        var bytes = new byte[t.numel() * t.dtype.ElementSize()];
        fixed (byte* p = bytes) Native.Check.Status(Native.NativeMethods.vt_copy_to_buffer(t.Handle, p, bytes.Length));
        return new SafeTensorEntry(name, DTypeName(t.dtype), t.shape, bytes);
    }

    /// <summary>Makes a CPU tensor from a safetensors entry (copies the bytes).</summary>
    public static unsafe Tensor FromSafeTensorEntry(SafeTensorEntry e)
    {
        var dtype = DTypeOf(e.DType);
        var shape = e.Shape;
        fixed (byte* p = e.Data.Span)
        fixed (long* s = shape)
            return Tensor.Wrap(Native.NativeMethods.vt_tensor_from_data(p, s, shape.Length, (int)dtype));
    }

    /// <summary>
    /// Saves named tensors to a safetensors file (the project's checkpoint format, readable by Python's safetensors
    /// and by numpy). The file is written to a temporary name and renamed, so a crash never leaves a torn checkpoint.
    /// </summary>
    public static void save(IEnumerable<KeyValuePair<string, Tensor>> tensors, string path, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var entries = tensors.Select(kv => ToSafeTensorEntry(kv.Key, kv.Value)).ToList();
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        var tmp = path + ".tmp";
        SafeTensorsFormat.Write(tmp, entries, metadata);
        File.Move(tmp, path, overwrite: true);
    }

    /// <summary>Loads every tensor of a safetensors file (CPU tensors, owned by the current dispose scope if any).</summary>
    public static Dictionary<string, Tensor> load(string path) => load(path, out _);

    /// <summary>Loads every tensor of a safetensors file and its metadata.</summary>
    public static Dictionary<string, Tensor> load(string path, out IReadOnlyDictionary<string, string> metadata)
    {
        var content = SafeTensorsFormat.Read(path);
        metadata = content.Metadata;
        var result = new Dictionary<string, Tensor>();
        foreach (var e in content.Tensors) result[e.Name] = FromSafeTensorEntry(e);
        return result;
    }
}
