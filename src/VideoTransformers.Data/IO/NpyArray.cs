using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace VideoTransformers.Data.IO;

/// <summary>
/// An n-dimensional array as stored in a NumPy <c>.npy</c> file: a dtype descr, a shape and the raw
/// element bytes in C (row-major) order, in the byte order the descr names.
/// </summary>
/// <remarks>
/// Supported descrs are <c>u1</c>, <c>i1</c>, <c>u2</c>, <c>i2</c>, <c>i4</c>, <c>i8</c>, <c>f4</c>,
/// <c>f8</c> and <c>b1</c>, little- or big-endian. The raw bytes are kept as stored so that a
/// read-then-write round trip is lossless; the <c>To…Array</c> helpers decode them.
/// </remarks>
public sealed class NpyArray
{
    private readonly byte[] _data;
    private readonly NpyDType _dtype;

    /// <summary>Wraps raw C-order element bytes. The array takes ownership of <paramref name="data"/> (no copy).</summary>
    /// <param name="dtype">A numpy descr such as <c>|u1</c>, <c>&lt;f4</c> or <c>&gt;i8</c>.</param>
    /// <param name="shape">The dimensions; an empty shape is a scalar holding one element.</param>
    /// <param name="data">Exactly <c>product(shape) × itemsize</c> bytes.</param>
    /// <exception cref="NotSupportedException">The dtype is not one of the supported descrs.</exception>
    /// <exception cref="ArgumentException">A dimension is negative or the byte count does not match the shape.</exception>
    public NpyArray(string dtype, long[] shape, byte[] data)
    {
        ArgumentNullException.ThrowIfNull(dtype);
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(data);
        _dtype = NpyDType.TryParse(dtype)
            ?? throw new NotSupportedException($"Unsupported numpy dtype '{dtype}'. Supported: u1, i1, u2, i2, i4, i8, f4, f8, b1 (little- or big-endian).");
        var count = ElementCountOf(shape);
        if (count * _dtype.ItemSize != data.LongLength)
            throw new ArgumentException($"Shape ({string.Join(", ", shape)}) of dtype {_dtype.Descr} needs {count * _dtype.ItemSize} bytes but {data.LongLength} were given.", nameof(data));
        Shape = (long[])shape.Clone();
        ElementCount = count;
        _data = data;
    }

    /// <summary>The numpy descr, normalised (e.g. <c>|u1</c>, <c>&lt;f4</c>, <c>&gt;i8</c>).</summary>
    public string DType => _dtype.Descr;

    /// <summary>The dimensions of the array (C order).</summary>
    public long[] Shape { get; }

    /// <summary>The number of elements (the product of <see cref="Shape"/>).</summary>
    public long ElementCount { get; }

    /// <summary>Bytes per element.</summary>
    public int ItemSize => _dtype.ItemSize;

    /// <summary>True when multi-byte elements are stored big-endian.</summary>
    public bool IsBigEndian => _dtype.BigEndian;

    /// <summary>The raw element bytes in C order and stored byte order, without a copy.</summary>
    public ReadOnlyMemory<byte> Data => _data;

    /// <summary>Copies the elements as bytes. Only <c>u1</c>, <c>b1</c> and integer elements within 0..255 convert.</summary>
    /// <exception cref="InvalidOperationException">The dtype is floating point.</exception>
    /// <exception cref="OverflowException">An integer element is outside 0..255.</exception>
    public byte[] ToByteArray()
    {
        if (_dtype.Kind is 'u' or 'b' && _dtype.ItemSize == 1) return (byte[])_data.Clone();
        if (_dtype.IsFloat)
            throw new InvalidOperationException($"Cannot convert {_dtype.Descr} elements to bytes without losing information; use ToFloatArray.");
        var result = new byte[ElementCount];
        var size = _dtype.ItemSize;
        for (long i = 0; i < result.LongLength; i++)
        {
            var v = _dtype.ReadInt64(_data.AsSpan((int)(i * size), size));
            if (v is < 0 or > 255)
                throw new OverflowException($"Element {i} ({v}) of a {_dtype.Descr} array does not fit in a byte.");
            result[i] = (byte)v;
        }
        return result;
    }

    /// <summary>Converts every element to <see cref="float"/> (as numpy's <c>astype(np.float32)</c> would).</summary>
    public float[] ToFloatArray()
    {
        var result = new float[ElementCount];
        if (_dtype is { Kind: 'f', ItemSize: 4, BigEndian: false } && BitConverter.IsLittleEndian)
        {
            MemoryMarshal.Cast<byte, float>(_data).CopyTo(result);
            return result;
        }
        if (_dtype.Kind is 'u' or 'b' && _dtype.ItemSize == 1)
        {
            for (var i = 0; i < result.Length; i++) result[i] = _data[i];
            return result;
        }
        var size = _dtype.ItemSize;
        for (var i = 0; i < result.Length; i++) result[i] = (float)_dtype.ReadDouble(_data.AsSpan(i * size, size));
        return result;
    }

    /// <summary>Converts every element to <see cref="double"/>.</summary>
    public double[] ToDoubleArray()
    {
        var result = new double[ElementCount];
        var size = _dtype.ItemSize;
        for (var i = 0; i < result.Length; i++) result[i] = _dtype.ReadDouble(_data.AsSpan(i * size, size));
        return result;
    }

    /// <summary>Converts integer or boolean elements to <see cref="long"/>.</summary>
    /// <exception cref="InvalidOperationException">The dtype is floating point (truncating labels silently hides bugs).</exception>
    public long[] ToInt64Array()
    {
        if (!_dtype.IsIntegerOrBool)
            throw new InvalidOperationException($"Cannot convert {_dtype.Descr} elements to Int64 exactly; use ToFloatArray or ToDoubleArray.");
        var result = new long[ElementCount];
        if (_dtype is { Kind: 'i', ItemSize: 8, BigEndian: false } && BitConverter.IsLittleEndian)
        {
            MemoryMarshal.Cast<byte, long>(_data).CopyTo(result);
            return result;
        }
        var size = _dtype.ItemSize;
        for (var i = 0; i < result.Length; i++) result[i] = _dtype.ReadInt64(_data.AsSpan(i * size, size));
        return result;
    }

    /// <summary>Creates a <c>|u1</c> array (copies the values).</summary>
    public static NpyArray FromBytes(ReadOnlySpan<byte> values, params long[] shape) => new("|u1", shape, values.ToArray());

    /// <summary>Creates a <c>&lt;f4</c> array (copies the values).</summary>
    public static NpyArray FromFloats(ReadOnlySpan<float> values, params long[] shape) => new("<f4", shape, LittleEndianBytes(values, BinaryPrimitives.WriteSingleLittleEndian, 4));

    /// <summary>Creates a <c>&lt;f8</c> array (copies the values).</summary>
    public static NpyArray FromDoubles(ReadOnlySpan<double> values, params long[] shape) => new("<f8", shape, LittleEndianBytes(values, BinaryPrimitives.WriteDoubleLittleEndian, 8));

    /// <summary>Creates a <c>&lt;i4</c> array (copies the values).</summary>
    public static NpyArray FromInt32(ReadOnlySpan<int> values, params long[] shape) => new("<i4", shape, LittleEndianBytes(values, BinaryPrimitives.WriteInt32LittleEndian, 4));

    /// <summary>Creates a <c>&lt;i8</c> array (copies the values).</summary>
    public static NpyArray FromInt64(ReadOnlySpan<long> values, params long[] shape) => new("<i8", shape, LittleEndianBytes(values, BinaryPrimitives.WriteInt64LittleEndian, 8));

    /// <summary>Creates a <c>|b1</c> array (copies the values).</summary>
    public static NpyArray FromBooleans(ReadOnlySpan<bool> values, params long[] shape)
    {
        var bytes = new byte[values.Length];
        for (var i = 0; i < values.Length; i++) bytes[i] = values[i] ? (byte)1 : (byte)0;
        return new NpyArray("|b1", shape, bytes);
    }

    internal static long ElementCountOf(long[] shape)
    {
        long count = 1;
        foreach (var d in shape)
        {
            if (d < 0) throw new ArgumentException($"Shape ({string.Join(", ", shape)}) has a negative dimension.", nameof(shape));
            count = checked(count * d);
        }
        return count;
    }

    private delegate void SpanWriter<T>(Span<byte> destination, T value);

    private static byte[] LittleEndianBytes<T>(ReadOnlySpan<T> values, SpanWriter<T> write, int size)
    {
        var bytes = new byte[values.Length * size];
        for (var i = 0; i < values.Length; i++) write(bytes.AsSpan(i * size, size), values[i]);
        return bytes;
    }
}
