using System.Buffers.Binary;
using System.Text;
using static TorchSharp.torch;

namespace VideoTransformers.Interop;

/// <summary>
/// A pickle reader for the one thing <c>torch.save(model.state_dict())</c> writes: a dict of names to tensors. It is a
/// small stack machine over the opcodes that pickle protocols 2 to 5 use for dicts, tuples, strings and numbers, and it
/// calls nothing: a global outside <see cref="Allowed"/> is refused the moment it is named, before any REDUCE, so a
/// pickle that would run code in Python (<c>os.system</c>, <c>builtins.eval</c>, a class with <c>__reduce__</c>) is an
/// error here, not an object. Tensors come out as <see cref="PickledTensor"/> descriptions; no memory is allocated from
/// numbers in the pickle (containers grow one element per opcode, so their size is bounded by the pickle's length).
/// </summary>
internal sealed class StateDictUnpickler
{
    private const string Collections = "collections";
    private const string TorchUtils = "torch._utils";
    private const int MaxDims = 64;
    private const int MaxGlobalLine = 256;

    /// <summary>The storage classes of <c>torch</c> that may appear in persistent ids, with their element types.</summary>
    internal static readonly IReadOnlyDictionary<string, (ScalarType DType, int Size)> StorageTypes = new Dictionary<string, (ScalarType, int)>(StringComparer.Ordinal)
    {
        ["FloatStorage"] = (ScalarType.Float32, 4), ["DoubleStorage"] = (ScalarType.Float64, 8), ["HalfStorage"] = (ScalarType.Float16, 2),
        ["BFloat16Storage"] = (ScalarType.BFloat16, 2), ["LongStorage"] = (ScalarType.Int64, 8), ["IntStorage"] = (ScalarType.Int32, 4),
        ["ShortStorage"] = (ScalarType.Int16, 2), ["CharStorage"] = (ScalarType.Int8, 1), ["ByteStorage"] = (ScalarType.Byte, 1),
        ["BoolStorage"] = (ScalarType.Bool, 1),
    };

    /// <summary>Every global this reader accepts, as <c>module.name</c>.</summary>
    internal static IEnumerable<string> Allowed =>
        new[] { "collections.OrderedDict", "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_parameter" }.Concat(StorageTypes.Keys.Select(s => "torch." + s));

    private static readonly UTF8Encoding StrictUtf8 = new(false, true);

    private readonly byte[] _data;
    private readonly string _source;
    private readonly List<object?> _stack = new();
    private readonly List<int> _marks = new();
    private readonly Dictionary<long, object?> _memo = new();
    private readonly Dictionary<string, PickledStorage> _storages = new(StringComparer.Ordinal);
    private int _pos;

    /// <param name="data">The pickle (a checkpoint's <c>data.pkl</c>).</param>
    /// <param name="source">What to call it in error messages (the file and entry).</param>
    public StateDictUnpickler(byte[] data, string source)
    {
        _data = data;
        _source = source;
    }

    /// <summary>
    /// Runs the pickle to its STOP and returns the object it built: dicts are <see cref="Dictionary{TKey, TValue}"/> of
    /// object to object, tuples <c>object?[]</c>, lists <see cref="List{T}"/>, integers <see cref="long"/>.
    /// </summary>
    /// <exception cref="InvalidDataException">The pickle is truncated or malformed, names a global outside the allow-list, or describes a tensor that cannot be one.</exception>
    public object? Load()
    {
        while (true)
        {
            if (_pos >= _data.Length) throw Bad("it ends without a STOP opcode (the file is truncated)");
            var at = _pos;
            var op = _data[_pos++];
            switch (op)
            {
                case 0x80: Take(1); break;                      // PROTO
                case 0x95: Take(8); break;                      // FRAME: a length hint only
                case (byte)'.':                                 // STOP
                    if (_stack.Count != 1 || _marks.Count != 0) throw Bad($"STOP at byte {at} leaves {_stack.Count} objects and {_marks.Count} marks on the stack instead of one object");
                    return _stack[0];
                case (byte)'(': _marks.Add(_stack.Count); break; // MARK
                case (byte)'0': Pop(); break;                   // POP
                case (byte)'1': PopMark(); break;               // POP_MARK
                case (byte)'2': Push(Peek()); break;            // DUP
                case (byte)'N': Push(null); break;
                case 0x88: Push(true); break;                   // NEWTRUE
                case 0x89: Push(false); break;                  // NEWFALSE
                case (byte)'J': Push((long)BinaryPrimitives.ReadInt32LittleEndian(Take(4))); break;
                case (byte)'K': Push((long)Take(1)[0]); break;
                case (byte)'M': Push((long)BinaryPrimitives.ReadUInt16LittleEndian(Take(2))); break;
                case 0x8a: Push(Long(Take(Take(1)[0]))); break; // LONG1
                case 0x8b: Push(Long(Take(Length(BinaryPrimitives.ReadInt32LittleEndian(Take(4)))))); break; // LONG4
                case (byte)'G': Push(BinaryPrimitives.ReadDoubleBigEndian(Take(8))); break; // BINFLOAT
                case (byte)'X': Push(Text(Take(Length(BinaryPrimitives.ReadUInt32LittleEndian(Take(4)))))); break; // BINUNICODE
                case 0x8c: Push(Text(Take(Take(1)[0]))); break; // SHORT_BINUNICODE
                case 0x8d: Push(Text(Take(Length(BinaryPrimitives.ReadUInt64LittleEndian(Take(8)))))); break; // BINUNICODE8
                case (byte)'}': Push(new Dictionary<object, object?>()); break;
                case (byte)']': Push(new List<object?>()); break;
                case (byte)')': Push(Array.Empty<object?>()); break;
                case (byte)'t': Push(PopMark().ToArray()); break;
                case 0x85: Push(new[] { Pop() }); break;
                case 0x86: { var b = Pop(); var a = Pop(); Push(new[] { a, b }); break; }
                case 0x87: { var c = Pop(); var b = Pop(); var a = Pop(); Push(new[] { a, b, c }); break; }
                case (byte)'l': Push(PopMark()); break;         // LIST
                case (byte)'d': { var d = new Dictionary<object, object?>(); SetItems(d, PopMark()); Push(d); break; } // DICT
                case (byte)'s': { var v = Pop(); var k = Pop(); SetItems(Target<Dictionary<object, object?>>("SETITEM"), new List<object?> { k, v }); break; }
                case (byte)'u': { var items = PopMark(); SetItems(Target<Dictionary<object, object?>>("SETITEMS"), items); break; }
                case (byte)'a': { var v = Pop(); Target<List<object?>>("APPEND").Add(v); break; }
                case (byte)'e': { var items = PopMark(); Target<List<object?>>("APPENDS").AddRange(items); break; }
                case (byte)'q': _memo[Take(1)[0]] = Peek(); break;                                      // BINPUT
                case (byte)'r': _memo[BinaryPrimitives.ReadUInt32LittleEndian(Take(4))] = Peek(); break; // LONG_BINPUT
                case 0x94: _memo[_memo.Count] = Peek(); break;                                          // MEMOIZE
                case (byte)'h': Push(Memo(Take(1)[0])); break;                                          // BINGET
                case (byte)'j': Push(Memo(BinaryPrimitives.ReadUInt32LittleEndian(Take(4)))); break;   // LONG_BINGET
                case (byte)'c': { var module = Line(); var name = Line(); Push(Global(module, name)); break; } // GLOBAL
                case 0x93: { var name = Pop() as string; var module = Pop() as string; Push(Global(module ?? throw Bad("STACK_GLOBAL without a module name"), name ?? throw Bad("STACK_GLOBAL without a name"))); break; }
                case (byte)'R': { var args = Pop(); var f = Pop(); Push(Call(f, args)); break; }      // REDUCE
                case (byte)'b': Build(Pop(), Peek()); break;                                            // BUILD
                case (byte)'Q': Push(Storage(Pop())); break;                                            // BINPERSID
                default:
                    throw Bad($"opcode 0x{op:x2} at byte {at} is not one that torch.save writes for a state dict");
            }
        }
    }

    private InvalidDataException Bad(string what) => new($"{_source}: {what}.");

    private ReadOnlySpan<byte> Take(int n)
    {
        if (n < 0 || n > _data.Length - _pos) throw Bad($"it ends in the middle of an opcode at byte {_pos} (the file is truncated or damaged)");
        var span = _data.AsSpan(_pos, n);
        _pos += n;
        return span;
    }

    // A length field: whatever it says, it cannot ask for more than the pickle still holds.
    private int Length(long n) => n < 0 || n > _data.Length - _pos ? throw Bad($"a length of {n} bytes at byte {_pos} runs past the end of the pickle ({_data.Length} bytes)") : (int)n;
    private int Length(ulong n) => n > (ulong)(_data.Length - _pos) ? throw Bad($"a length of {n} bytes at byte {_pos} runs past the end of the pickle ({_data.Length} bytes)") : (int)n;

    private long Long(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > 8) throw Bad($"an integer of {bytes.Length} bytes does not fit in 64 bits");
        if (bytes.Length == 0) return 0;
        long v = 0;
        for (var i = bytes.Length - 1; i >= 0; i--) v = (v << 8) | bytes[i];
        var unused = 64 - 8 * bytes.Length;
        return unused == 0 ? v : (v << unused) >> unused; // sign-extend two's complement
    }

    private string Text(ReadOnlySpan<byte> bytes)
    {
        try { return StrictUtf8.GetString(bytes); }
        catch (DecoderFallbackException) { throw Bad($"a string before byte {_pos} is not valid UTF-8"); }
    }

    private string Line()
    {
        var end = Array.IndexOf(_data, (byte)'\n', _pos, Math.Min(MaxGlobalLine, _data.Length - _pos));
        if (end < 0) throw Bad($"a GLOBAL at byte {_pos} has no name line of at most {MaxGlobalLine} bytes");
        var s = Text(_data.AsSpan(_pos, end - _pos));
        _pos = end + 1;
        return s;
    }

    private void Push(object? o) => _stack.Add(o);

    private object? Peek() => _stack.Count > (_marks.Count > 0 ? _marks[^1] : 0) ? _stack[^1] : throw Bad($"an opcode before byte {_pos} needs an object but the stack is empty");

    private object? Pop()
    {
        var o = Peek();
        _stack.RemoveAt(_stack.Count - 1);
        return o;
    }

    private List<object?> PopMark()
    {
        if (_marks.Count == 0) throw Bad($"an opcode before byte {_pos} needs a MARK but there is none");
        var mark = _marks[^1];
        _marks.RemoveAt(_marks.Count - 1);
        var items = _stack.GetRange(mark, _stack.Count - mark);
        _stack.RemoveRange(mark, _stack.Count - mark);
        return items;
    }

    private T Target<T>(string opcode) where T : class =>
        Peek() as T ?? throw Bad($"{opcode} before byte {_pos} applies to a {Describe(Peek())}, not a {(typeof(T) == typeof(List<object?>) ? "list" : "dict")}");

    private void SetItems(Dictionary<object, object?> d, List<object?> items)
    {
        if (items.Count % 2 != 0) throw Bad($"SETITEMS before byte {_pos} has an odd number of items");
        for (var i = 0; i < items.Count; i += 2)
            d[items[i] ?? throw Bad($"a dict key before byte {_pos} is None")] = items[i + 1];
    }

    private object? Memo(long index) => _memo.TryGetValue(index, out var o) ? o : throw Bad($"memo entry {index} is read before byte {_pos} but was never stored");

    private PickleGlobal Global(string module, string name)
    {
        var allowed = module switch
        {
            Collections => name == "OrderedDict",
            TorchUtils => name is "_rebuild_tensor_v2" or "_rebuild_parameter",
            "torch" => StorageTypes.ContainsKey(name),
            _ => false,
        };
        if (!allowed)
            throw Bad($"it refers to the global {module}.{name}, which is not on the allow-list. A state dict needs only {string.Join(", ", Allowed)}; " +
                      "anything else could run code when Python unpickles it, so the file is refused (convert trusted files to safetensors in Python)");
        return new PickleGlobal(module, name);
    }

    private object Call(object? f, object? argsObject)
    {
        if (f is not PickleGlobal g) throw Bad($"REDUCE before byte {_pos} calls a {Describe(f)}, not a global");
        if (argsObject is not object?[] args) throw Bad($"REDUCE before byte {_pos} calls {g} with a {Describe(argsObject)} instead of an argument tuple");
        switch (g.Module, g.Name)
        {
            case (Collections, "OrderedDict"):
                if (args.Length != 0) throw Bad("collections.OrderedDict is called with arguments; torch.save builds it empty and fills it with SETITEMS");
                return new Dictionary<object, object?>();
            case (TorchUtils, "_rebuild_tensor_v2"):
                return RebuildTensor(args);
            case (TorchUtils, "_rebuild_parameter"):
                if (args.Length != 3 || args[0] is not PickledTensor data || args[1] is not bool || !IsEmptyHooks(args[2]))
                    throw Bad($"torch._utils._rebuild_parameter expects (tensor, requires_grad, OrderedDict()) but gets ({string.Join(", ", args.Select(Describe))})");
                return data;
            default:
                throw Bad($"{g} is called; storage types may only appear in persistent ids");
        }
    }

    private PickledTensor RebuildTensor(object?[] a)
    {
        // (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata]) as torch/_utils.py defines it.
        if (a.Length is not (6 or 7) || a[0] is not PickledStorage storage || a[1] is not long offset || a[4] is not bool || !IsEmptyHooks(a[5])
            || (a.Length == 7 && a[6] is not (null or Dictionary<object, object?>)))
            throw Bad($"torch._utils._rebuild_tensor_v2 expects (storage, offset, size, stride, requires_grad, OrderedDict()[, metadata]) but gets ({string.Join(", ", a.Select(Describe))})");
        var shape = Longs(a[2], "size");
        var stride = Longs(a[3], "stride");
        if (shape.Length != stride.Length) throw Bad($"a tensor has {shape.Length} sizes but {stride.Length} strides");
        if (offset < 0 || shape.Any(s => s < 0) || stride.Any(s => s < 0))
            throw Bad($"a tensor has a negative offset, size or stride (offset {offset}, size [{string.Join(", ", shape)}], stride [{string.Join(", ", stride)}])");
        return new PickledTensor(storage, offset, shape, stride);
    }

    private long[] Longs(object? o, string what)
    {
        IReadOnlyList<object?> items = o switch
        {
            object?[] t => t,
            List<object?> l => l,
            _ => throw Bad($"a tensor's {what} is a {Describe(o)}, not a tuple of integers"),
        };
        if (items.Count > MaxDims) throw Bad($"a tensor's {what} has {items.Count} dimensions (at most {MaxDims})");
        return items.Select(i => i is long v ? v : throw Bad($"a tensor's {what} holds a {Describe(i)}, not an integer")).ToArray();
    }

    // backward_hooks: torch.save always writes an empty OrderedDict; hooks would be code.
    private static bool IsEmptyHooks(object? o) => o is Dictionary<object, object?> { Count: 0 };

    private void Build(object? state, object? target)
    {
        // OrderedDict's BUILD restores its instance __dict__ (state_dict()'s _metadata with per-module versions), which
        // says nothing about the tensors: it is accepted and dropped. Nothing else gets state.
        if (target is Dictionary<object, object?> && state is Dictionary<object, object?> or null) return;
        throw Bad($"BUILD before byte {_pos} sets the state of a {Describe(target)}; only the state dict's own OrderedDict has state");
    }

    private PickledStorage Storage(object? pid)
    {
        // ('storage', torch.<Type>Storage, key, location, numel) as torch.serialization._save writes it.
        if (pid is not object?[] { Length: 5 } t || t[0] is not "storage" || t[1] is not PickleGlobal { Module: "torch" } type || t[2] is not string key
            || t[3] is not string || t[4] is not long numel)
            throw Bad($"a persistent id before byte {_pos} is not ('storage', torch.<Type>Storage, key, location, numel): {Describe(pid)}");
        if (!StorageTypes.TryGetValue(type.Name, out var dt)) throw Bad($"persistent id names {type}, which is not a storage type");
        if (numel < 0) throw Bad($"storage '{key}' declares {numel} elements");
        var storage = new PickledStorage(key, type.Name, dt.DType, dt.Size, numel);
        if (_storages.TryGetValue(key, out var seen))
        {
            if (seen != storage) throw Bad($"storage '{key}' is declared twice, as {seen.StorageType}[{seen.ElementCount}] and {storage.StorageType}[{numel}]");
            return seen;
        }
        _storages[key] = storage;
        return storage;
    }

    private static string Describe(object? o) => o switch
    {
        null => "None",
        string s => $"string '{(s.Length > 40 ? s[..40] + "..." : s)}'",
        long v => $"integer {v}",
        bool b => b ? "True" : "False",
        double d => $"float {d}",
        object?[] t => $"tuple of {t.Length}",
        List<object?> l => $"list of {l.Count}",
        Dictionary<object, object?> d => $"dict of {d.Count}",
        PickleGlobal g => g.ToString(),
        PickledStorage s => $"storage '{s.Key}'",
        PickledTensor => "tensor",
        _ => o.GetType().Name,
    };
}
