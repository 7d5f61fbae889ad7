using static TorchSharp.torch;

namespace VideoTransformers.Torch.Serialization;

/// <summary>
/// Safetensors files as TorchSharp tensors: the project's checkpoint format, readable by Python's safetensors and by
/// numpy. Built on <see cref="SafeTensorsFormat"/>, which keeps <c>__metadata__</c> and validates the header
/// (offsets, sizes, dtypes) before any tensor is made.
/// </summary>
public static class SafeTensors
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

    private static ScalarType? DTypeOf(string name) => name switch
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
        _ => null,
    };

    /// <summary>Converts a tensor to a safetensors entry (copies its bytes to host memory, C order).</summary>
    public static SafeTensorEntry ToEntry(string name, Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        var dtype = DTypeName(tensor.dtype);
        // detach/cpu/contiguous may each make a new handle: the scope frees every one of them, not just the last.
        using var scope = NewDisposeScope();
        var host = tensor.detach().cpu().contiguous();
        // bytes on an empty tensor throws in TorchSharp; an empty tensor has no bytes to copy anyway.
        var bytes = host.numel() == 0 ? Array.Empty<byte>() : host.bytes.ToArray();
        return new SafeTensorEntry(name, dtype, tensor.shape, bytes);
    }

    /// <summary>Makes a CPU tensor from a safetensors entry (copies the bytes).</summary>
    /// <exception cref="NotSupportedException">The entry's dtype (for example U16, U32 or U64) has no TorchSharp equivalent.</exception>
    public static Tensor FromEntry(SafeTensorEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var dtype = DTypeOf(entry.DType)
            ?? throw new NotSupportedException($"safetensors dtype {entry.DType} of tensor '{entry.Name}' has no TorchSharp equivalent.");
        var t = empty(entry.Shape, dtype);
        if (entry.Data.Length > 0) entry.Data.Span.CopyTo(t.bytes);
        return t;
    }

    /// <summary>
    /// Saves named tensors to a safetensors file. The file is written to a temporary name and renamed, so a crash never
    /// leaves a torn checkpoint.
    /// </summary>
    public static void save(IEnumerable<KeyValuePair<string, Tensor>> tensors, string path, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentNullException.ThrowIfNull(path);
        var entries = tensors.Select(kv => ToEntry(kv.Key, kv.Value)).ToList();
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        SafeTensorsFormat.Write(path, entries, metadata);
    }

    /// <summary>Loads every tensor of a safetensors file as CPU tensors (owned by the current dispose scope if any).</summary>
    public static Dictionary<string, Tensor> load(string path) => load(path, out _);

    /// <summary>Loads every tensor of a safetensors file and its metadata.</summary>
    /// <exception cref="NotSupportedException">
    /// A tensor has a dtype TorchSharp lacks (U16, U32, U64). Checked for every tensor before any is made, so nothing is
    /// half-loaded; the message names the file and the tensor.
    /// </exception>
    public static Dictionary<string, Tensor> load(string path, out IReadOnlyDictionary<string, string> metadata)
    {
        var content = SafeTensorsFormat.Read(path);
        foreach (var e in content.Tensors)
            if (DTypeOf(e.DType) is null)
                throw new NotSupportedException($"{path}: tensor '{e.Name}' has safetensors dtype {e.DType}, which has no TorchSharp equivalent (supported: F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL).");
        metadata = content.Metadata;
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var e in content.Tensors) result[e.Name] = FromEntry(e);
        return result;
    }
}
