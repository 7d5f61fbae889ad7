using static TorchSharp.torch;

namespace VideoTransformers.TestSupport;

/// <summary>
/// A tensor's values as a host array in C order. TorchSharp's <c>data&lt;T&gt;()</c> throws for an empty tensor of
/// more than one dimension and for a T that is not exactly the tensor's dtype; these work for every shape.
/// </summary>
public static class HostValues
{
    /// <summary>The values of <paramref name="t"/>, whose dtype must be exactly that of <typeparamref name="T"/> (no conversion).</summary>
    /// <exception cref="ArgumentException">The dtype does not match <typeparamref name="T"/>.</exception>
    public static T[] Read<T>(Tensor t) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(t);
        var want = DTypeOf<T>();
        if (t.dtype != want) throw new ArgumentException($"cannot read a {t.dtype} tensor as {typeof(T).Name} (that is {want}); convert it first.", nameof(t));
        if (t.numel() == 0) return [];
        using var host = t.detach().cpu().contiguous();
        return host.data<T>().ToArray();
    }

    /// <summary>The values of any real tensor converted to double (exact for every dtype but int64 beyond 2^53).</summary>
    public static double[] Doubles(Tensor t)
    {
        ArgumentNullException.ThrowIfNull(t);
        if (t.numel() == 0) return [];
        using var converted = t.detach().to(ScalarType.Float64);
        return Read<double>(converted);
    }

    /// <summary>The values of any integer or bool tensor converted to long.</summary>
    public static long[] Longs(Tensor t)
    {
        ArgumentNullException.ThrowIfNull(t);
        if (is_floating_point(t.dtype)) throw new ArgumentException($"Longs reads integer and bool tensors; this one is {t.dtype}.", nameof(t));
        if (t.numel() == 0) return [];
        using var converted = t.detach().to(ScalarType.Int64);
        return Read<long>(converted);
    }

    /// <summary>The raw little-endian bytes of the values in C order (empty for an empty tensor).</summary>
    public static byte[] Bytes(Tensor t)
    {
        ArgumentNullException.ThrowIfNull(t);
        if (t.numel() == 0) return [];
        using var host = t.detach().cpu().contiguous();
        return host.bytes.ToArray();
    }

    private static ScalarType DTypeOf<T>() where T : unmanaged => typeof(T) switch
    {
        var x when x == typeof(double) => ScalarType.Float64,
        var x when x == typeof(float) => ScalarType.Float32,
        var x when x == typeof(Half) => ScalarType.Float16,
        var x when x == typeof(long) => ScalarType.Int64,
        var x when x == typeof(int) => ScalarType.Int32,
        var x when x == typeof(short) => ScalarType.Int16,
        var x when x == typeof(sbyte) => ScalarType.Int8,
        var x when x == typeof(byte) => ScalarType.Byte,
        var x when x == typeof(bool) => ScalarType.Bool,
        _ => throw new ArgumentException($"no TorchSharp dtype reads as {typeof(T).Name}; use Bytes for bfloat16."),
    };
}
