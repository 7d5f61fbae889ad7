using System.Globalization;
using System.Text;
using VideoTransformers.Torch;
using Xunit.Sdk;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VideoTransformers.TestSupport;

/// <summary>
/// Tensor comparisons that explain themselves: a failure names the tensor, the shapes or dtypes that differ, how
/// many elements are out of tolerance, and the worst one (its index, both values and the error).
/// </summary>
public static class TensorAssert
{
    /// <summary>The parity tolerances of the test suite: 1e-5 for float32 (and narrower floats), 1e-10 for float64.</summary>
    public static (double Atol, double Rtol) DefaultTolerance(ScalarType dtype) => dtype switch
    {
        ScalarType.Float64 => (1e-10, 1e-10),
        ScalarType.Float32 => (1e-5, 1e-5),
        ScalarType.Float16 or ScalarType.BFloat16 => (1e-2, 1e-2),
        _ => (0, 0),
    };

    /// <summary>
    /// Asserts that <paramref name="actual"/> and <paramref name="expected"/> have the same shape and dtype and that
    /// |actual − expected| ≤ atol + rtol·|expected| everywhere (NaN matches NaN; infinities must be equal).
    /// Integer and bool tensors must match exactly.
    /// </summary>
    public static void Close(Tensor actual, Tensor expected, double atol, double rtol, string name = "tensor")
    {
        var problem = Compare(actual, expected, atol, rtol, name);
        if (problem != null) throw new XunitException(problem);
    }

    /// <summary><see cref="Close(Tensor, Tensor, double, double, string)"/> with <see cref="DefaultTolerance"/> of the expected dtype.</summary>
    public static void Close(Tensor actual, Tensor expected, string name = "tensor")
    {
        var (atol, rtol) = DefaultTolerance(expected.dtype);
        Close(actual, expected, atol, rtol, name);
    }

    /// <summary>Asserts equal shape, dtype and bitwise-equal values (NaN payloads aside).</summary>
    public static void Equal(Tensor actual, Tensor expected, string name = "tensor") => Close(actual, expected, 0, 0, name);

    /// <summary>
    /// Asserts that the tensors are the same bit for bit: equal shape, equal dtype and identical bytes in C order.
    /// Stricter than <see cref="Equal"/>: -0 differs from +0 and NaN payloads must match, as a lossless copy
    /// (a file round trip, a state-dict copy) must keep them. Works for empty tensors.
    /// </summary>
    public static void Same(Tensor actual, Tensor expected, string name = "tensor")
    {
        ArgumentNullException.ThrowIfNull(actual);
        ArgumentNullException.ThrowIfNull(expected);
        if (!actual.shape.SequenceEqual(expected.shape))
            throw new XunitException($"{name}: shape {Shapes.Format(actual.shape)} differs from the expected {Shapes.Format(expected.shape)}.");
        if (actual.dtype != expected.dtype)
            throw new XunitException($"{name}: dtype {actual.dtype} differs from the expected {expected.dtype}.");
        var a = HostValues.Bytes(actual);
        var e = HostValues.Bytes(expected);
        var first = a.AsSpan().CommonPrefixLength(e);
        if (first == a.Length && a.Length == e.Length) return;
        var size = Math.Max(1, (int)expected.element_size());
        var element = first / size;
        throw new XunitException(string.Create(CultureInfo.InvariantCulture,
            $"{name}: the bytes differ ({expected.dtype}, shape {Shapes.Format(expected.shape)}); first at element {Index(element, expected.shape)} (byte {first}): actual {Convert.ToHexString(a, element * size, Math.Min(size, a.Length - element * size))}, expected {Convert.ToHexString(e, element * size, Math.Min(size, e.Length - element * size))}."));
    }

    /// <summary>Returns null when the tensors agree (see <see cref="Close(Tensor, Tensor, double, double, string)"/>), else a description of the difference.</summary>
    public static string? Compare(Tensor actual, Tensor expected, double atol, double rtol, string name = "tensor")
    {
        var sa = actual.shape;
        var se = expected.shape;
        if (!sa.SequenceEqual(se))
            return $"{name}: shape {Shapes.Format(sa)} differs from the expected {Shapes.Format(se)}.";
        if (actual.dtype != expected.dtype)
            return $"{name}: dtype {actual.dtype} differs from the expected {expected.dtype}.";
        if (!is_floating_point(expected.dtype)) return CompareExact(actual, expected, name, sa);

        var a = HostValues.Doubles(actual);
        var e = HostValues.Doubles(expected);
        long bad = 0, worst = -1;
        double worstErr = -1, maxErr = 0;
        for (var i = 0; i < a.Length; i++)
        {
            double err;
            bool ok;
            if (double.IsNaN(a[i]) || double.IsNaN(e[i])) { ok = double.IsNaN(a[i]) && double.IsNaN(e[i]); err = ok ? 0 : double.PositiveInfinity; }
            else if (double.IsInfinity(e[i]) || double.IsInfinity(a[i])) { ok = a[i] == e[i]; err = ok ? 0 : double.PositiveInfinity; }
            else { err = Math.Abs(a[i] - e[i]); ok = err <= atol + rtol * Math.Abs(e[i]); }
            maxErr = Math.Max(maxErr, err);
            if (!ok)
            {
                bad++;
                // The worst violation relative to the allowed error, so that the report shows the element that matters.
                var excess = double.IsInfinity(err) ? double.PositiveInfinity : err / (atol + rtol * Math.Abs(e[i]) + double.Epsilon);
                if (worst < 0 || excess > worstErr) { worstErr = excess; worst = i; }
            }
        }
        if (bad == 0) return null;
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"{name}: {bad} of {a.Length} elements differ beyond atol={atol:G3} + rtol={rtol:G3}·|expected| ");
        sb.Append(CultureInfo.InvariantCulture, $"({expected.dtype}, shape {Shapes.Format(se)}); max abs error {maxErr:G6}; ");
        sb.Append(CultureInfo.InvariantCulture, $"worst at {Index(worst, se)}: actual {a[worst]:R}, expected {e[worst]:R}, |diff| {Math.Abs(a[worst] - e[worst]):G6}.");
        return sb.ToString();
    }

    private static string? CompareExact(Tensor actual, Tensor expected, string name, long[] shape)
    {
        var a = HostValues.Longs(actual);
        var e = HostValues.Longs(expected);
        long bad = 0, first = -1;
        for (var i = 0; i < a.Length; i++)
        {
            if (a[i] == e[i]) continue;
            bad++;
            if (first < 0) first = i;
        }
        if (bad == 0) return null;
        return string.Create(CultureInfo.InvariantCulture,
            $"{name}: {bad} of {a.Length} elements differ ({expected.dtype}, exact comparison); first at {Index(first, shape)}: actual {a[first]}, expected {e[first]}.");
    }

    /// <summary>Formats a flat C-order index as a multi-dimensional one, e.g. [1, 0, 2].</summary>
    public static string Index(long flat, long[] shape)
    {
        if (shape.Length == 0) return "[]";
        var idx = new long[shape.Length];
        for (var d = shape.Length - 1; d >= 0; d--)
        {
            var s = Math.Max(1, shape[d]);
            idx[d] = flat % s;
            flat /= s;
        }
        return Shapes.Format(idx);
    }
}
