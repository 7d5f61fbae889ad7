using System.IO.Compression;
using System.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace VideoTransformers.Interop;

/// <summary>
/// Reads a state dict saved by <c>torch.save(model.state_dict(), path)</c> in the zip format (PyTorch's default since
/// 1.6; Hugging Face's <c>pytorch_model.bin</c>) without Python, and without trusting the file:
/// <list type="bullet">
/// <item>the pickle is run by a reader that knows only the opcodes of dicts, tuples, strings and numbers and refuses every
/// global but <c>collections.OrderedDict</c>, <c>torch._utils._rebuild_tensor_v2</c>, <c>torch._utils._rebuild_parameter</c>
/// and the <c>torch.*Storage</c> types, so nothing in it can name code to run;</item>
/// <item>every size comes from the file, never from a number in it: a storage's declared element count must match the
/// length of its zip entry, which must be stored uncompressed (as <c>torch.save</c> writes it) and fit in the file,
/// and every tensor must lie inside its storage before anything is allocated;</item>
/// <item>tensors that are contiguous views share their storage's memory; copies (non-contiguous views) may add at most
/// the file's length in total, so a file cannot make the reader allocate much more than its own size.</item>
/// </list>
/// A file that breaks any of this gets an <see cref="InvalidDataException"/> naming it; the legacy formats (PyTorch
/// before 1.6, or <c>_use_new_zipfile_serialization=False</c>) get a <see cref="NotSupportedException"/>.
/// </summary>
public static class PyTorchStateDict
{
    // Storages are read into tensor memory in pieces of at most this many bytes: a Span<byte> cannot cover 2 GB.
    private const int ReadChunk = 1 << 30;

    /// <summary>
    /// Loads every tensor of the state dict as CPU tensors, owned by the current dispose scope if any (as
    /// <c>SafeTensors.load</c>). Tensors that shared a storage in PyTorch (views) may share memory here too.
    /// </summary>
    /// <param name="path">The <c>.bin</c>/<c>.pt</c>/<c>.pth</c> file.</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a zip-format <c>torch.save</c> file, is truncated or damaged, names a global outside the allow-list, or describes tensors that its data does not hold.</exception>
    /// <exception cref="NotSupportedException">The file uses the legacy (pre-1.6) format or big-endian byte order.</exception>
    public static Dictionary<string, Tensor> Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"PyTorch checkpoint '{path}' does not exist.", path);
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        CheckSignature(path, file);
        ZipArchive archive;
        IReadOnlyList<ZipArchiveEntry> entries;
        try
        {
            archive = new ZipArchive(file, ZipArchiveMode.Read, leaveOpen: true);
            entries = archive.Entries;
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            throw new InvalidDataException($"'{path}' is not a readable zip archive (truncated or damaged): {e.Message}", e);
        }
        using (archive)
        {
            var pickles = entries.Where(e => e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal) && e.FullName.IndexOf('/') == e.FullName.Length - "/data.pkl".Length).ToList();
            if (pickles.Count != 1)
                throw new InvalidDataException($"'{path}' is a zip file but not a torch.save checkpoint: it needs exactly one <name>/data.pkl entry and has {pickles.Count}.");
            var prefix = pickles[0].FullName[..^"data.pkl".Length];
            if (archive.GetEntry(prefix + "byteorder") is { } byteorder && Encoding.ASCII.GetString(ReadAll(path, byteorder, file.Length)) is var order && order != "little")
                throw new NotSupportedException($"'{path}' was saved with byte order '{order}'; only little-endian checkpoints are supported.");
            var root = new StateDictUnpickler(ReadAll(path, pickles[0], file.Length), $"'{path}' ({pickles[0].FullName})").Load();
            var tensors = Flatten(path, root);
            var storages = CheckAgainstData(path, archive, prefix, tensors, file.Length);
            return Materialize(path, tensors, storages);
        }
    }

    private static void CheckSignature(string path, FileStream file)
    {
        Span<byte> head = stackalloc byte[262];
        var n = file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        head = head[..n];
        file.Position = 0;
        if (head.StartsWith("PK\u0003\u0004"u8)) return;
        // Before 1.6 torch.save wrote a bare pickle stream (a magic number, then the pickles, then raw storages); before
        // 0.4 a tar archive. Both carry arbitrary pickles that need Python's unpickler with the storages in between.
        if (n > 0 && head[0] == 0x80)
            throw new NotSupportedException($"'{path}' uses the legacy torch.save format (PyTorch before 1.6, or _use_new_zipfile_serialization=False), which is not supported. " +
                                            "Re-save it with torch.save in PyTorch 1.6 or later, or convert it to safetensors.");
        if (n >= 262 && head[257..262].SequenceEqual("ustar"u8))
            throw new NotSupportedException($"'{path}' is a tar archive: the legacy torch.save format of PyTorch before 0.4, which is not supported. Re-save it with a current PyTorch.");
        throw new InvalidDataException(n < 4
            ? $"'{path}' is empty or truncated ({n} bytes): a torch.save checkpoint is a zip archive."
            : $"'{path}' is not a PyTorch checkpoint: a torch.save file is a zip archive (starting with PK\\x03\\x04), this one starts with {Convert.ToHexString(head[..4])}.");
    }

    // The sizes of an entry that can be believed: torch.save stores entries uncompressed, so the data is exactly as long
    // as the entry says and lies in the file. A compressed entry could expand to any size its header claims.
    private static long CheckedLength(string path, ZipArchiveEntry entry, long fileLength)
    {
        if (entry.CompressedLength != entry.Length)
            throw new InvalidDataException($"'{path}': entry {entry.FullName} is compressed or damaged ({entry.CompressedLength} bytes stored, {entry.Length} declared); torch.save stores every entry uncompressed, so this file was not written by it.");
        if (entry.Length > fileLength)
            throw new InvalidDataException($"'{path}': entry {entry.FullName} claims {entry.Length} bytes but the whole file has {fileLength}.");
        return entry.Length;
    }

    private static byte[] ReadAll(string path, ZipArchiveEntry entry, long fileLength)
    {
        var length = CheckedLength(path, entry, fileLength);
        if (length > Array.MaxLength) throw new InvalidDataException($"'{path}': entry {entry.FullName} has {length} bytes, more than a pickle can be.");
        var bytes = new byte[length];
        ReadInto(path, entry, stream => stream.ReadExactly(bytes));
        return bytes;
    }

    private static void ReadInto(string path, ZipArchiveEntry entry, Action<Stream> read)
    {
        try
        {
            using var stream = entry.Open();
            read(stream);
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            throw new InvalidDataException($"'{path}': entry {entry.FullName} cannot be read (truncated or damaged): {e.Message}", e);
        }
    }

    private static List<(string Name, PickledTensor Tensor)> Flatten(string path, object? root)
    {
        if (root is not Dictionary<object, object?> dict)
            throw new InvalidDataException($"'{path}' holds a {Kind(root)}, not a state dict (a dict of names to tensors, as torch.save(model.state_dict()) writes).");
        var tensors = new List<(string, PickledTensor)>(dict.Count);
        foreach (var (key, value) in dict)
        {
            if (key is not string name) throw new InvalidDataException($"'{path}': the state dict has a key that is a {Kind(key)}, not a name.");
            if (value is not PickledTensor t)
                throw new InvalidDataException($"'{path}': '{name}' holds a {Kind(value)}, not a tensor. Only flat state dicts are read; a checkpoint that wraps one (e.g. {{\"state_dict\": ...}}) must be unwrapped in Python.");
            tensors.Add((name, t));
        }
        return tensors;
    }

    private static string Kind(object? o) => o switch
    {
        null => "None",
        Dictionary<object, object?> => "dict",
        object?[] => "tuple",
        List<object?> => "list",
        PickledTensor => "tensor",
        _ => o.GetType().Name,
    };

    // Checks every storage against its entry and every tensor against its storage; nothing is allocated before all pass.
    private static Dictionary<PickledStorage, ZipArchiveEntry> CheckAgainstData(string path, ZipArchive archive, string prefix,
        List<(string Name, PickledTensor Tensor)> tensors, long fileLength)
    {
        var storages = new Dictionary<PickledStorage, ZipArchiveEntry>();
        long copies = 0;
        foreach (var (name, t) in tensors)
        {
            var s = t.Storage;
            if (!storages.ContainsKey(s))
            {
                var entry = archive.GetEntry(prefix + "data/" + s.Key)
                            ?? throw new InvalidDataException($"'{path}': tensor '{name}' refers to storage '{s.Key}', which has no entry {prefix}data/{s.Key}.");
                var length = CheckedLength(path, entry, fileLength);
                if (!TryMultiply(s.ElementCount, s.ElementSize, out var bytes) || bytes != length)
                    throw new InvalidDataException($"'{path}': storage '{s.Key}' declares {s.ElementCount} {s.StorageType} elements ({(TryMultiply(s.ElementCount, s.ElementSize, out var b) ? b.ToString() : "overflowing")} bytes) but its entry holds {length} bytes.");
                storages[s] = entry;
            }
            if (!TryElementCount(t.Shape, out var numel))
                throw new InvalidDataException($"'{path}': tensor '{name}' has a shape [{string.Join(", ", t.Shape)}] whose element count overflows.");
            if (numel > 0)
            {
                // The last element a view touches: offset + sum((size - 1) * stride) must be inside the storage.
                var last = t.Offset;
                var fits = true;
                for (var i = 0; i < t.Shape.Length && fits; i++)
                    fits = TryMultiply(t.Shape[i] - 1, t.Stride[i], out var span) && TryAdd(last, span, out last);
                if (!fits || last >= s.ElementCount)
                    throw new InvalidDataException($"'{path}': tensor '{name}' (shape [{string.Join(", ", t.Shape)}], stride [{string.Join(", ", t.Stride)}], offset {t.Offset}) reaches past the end of its storage '{s.Key}' of {s.ElementCount} elements.");
                if (!IsContiguous(t.Shape, t.Stride))
                {
                    // A non-contiguous view becomes a copy; the copies together may not outgrow the file.
                    if (!TryMultiply(numel, s.ElementSize, out var copy) || !TryAdd(copies, copy, out copies) || copies > fileLength)
                        throw new InvalidDataException($"'{path}': tensor '{name}' is a strided view of {numel} elements; copying it and the views before it would take more memory than the file's {fileLength} bytes (overlapping or expanded views are not read).");
                }
            }
            else if (t.Offset > s.ElementCount)
                throw new InvalidDataException($"'{path}': empty tensor '{name}' has offset {t.Offset} past the end of storage '{s.Key}' of {s.ElementCount} elements.");
        }
        return storages;
    }

    private static Dictionary<string, Tensor> Materialize(string path, List<(string Name, PickledTensor Tensor)> tensors,
        Dictionary<PickledStorage, ZipArchiveEntry> entries)
    {
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        // Storages and views live in this scope; only the results leave it, so a failure part-way frees everything.
        using (var scope = NewDisposeScope())
        {
            var storages = new Dictionary<PickledStorage, Tensor>();
            foreach (var (s, entry) in entries)
            {
                var storage = empty(s.ElementCount, s.DType);
                var chunk = ReadChunk / s.ElementSize;
                ReadInto(path, entry, stream =>
                {
                    for (long at = 0; at < s.ElementCount; at += chunk)
                        stream.ReadExactly(storage.narrow(0, at, Math.Min(chunk, s.ElementCount - at)).bytes);
                });
                storages[s] = storage;
            }
            foreach (var (name, t) in tensors)
            {
                var storage = storages[t.Storage];
                result[name] = storage.as_strided(t.Shape, t.Stride, t.Offset).contiguous();
            }
            foreach (var t in result.Values) t.MoveToOuterDisposeScope();
        }
        return result;
    }

    private static bool IsContiguous(long[] shape, long[] stride)
    {
        long expected = 1;
        for (var i = shape.Length - 1; i >= 0; i--)
        {
            if (shape[i] != 1 && stride[i] != expected) return false;
            expected *= shape[i];
        }
        return true;
    }

    private static bool TryElementCount(long[] shape, out long count)
    {
        count = 1;
        foreach (var s in shape)
            if (!TryMultiply(count, s, out count)) return false;
        return true;
    }

    private static bool TryMultiply(long a, long b, out long product)
    {
        try { product = checked(a * b); return true; }
        catch (OverflowException) { product = 0; return false; }
    }

    private static bool TryAdd(long a, long b, out long sum)
    {
        try { sum = checked(a + b); return true; }
        catch (OverflowException) { sum = 0; return false; }
    }
}
