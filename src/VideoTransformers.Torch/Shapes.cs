namespace VideoTransformers.Torch;

/// <summary>Shape strings for error messages, in PyTorch's bracket style.</summary>
public static class Shapes
{
    /// <summary>Formats a shape as <c>[2, 3, 4]</c>.</summary>
    public static string Format(ReadOnlySpan<long> shape)
    {
        var parts = new string[shape.Length];
        for (var i = 0; i < shape.Length; i++) parts[i] = shape[i].ToString(System.Globalization.CultureInfo.InvariantCulture);
        return "[" + string.Join(", ", parts) + "]";
    }

    /// <summary>Formats a shape as <c>[2, 3, 4]</c>.</summary>
    public static string Format(long[] shape) => Format((ReadOnlySpan<long>)shape);
}
