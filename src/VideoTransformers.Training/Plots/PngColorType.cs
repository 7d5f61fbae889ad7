namespace VideoTransformers.Training.Plots;

/// <summary>The 8-bit pixel layouts <see cref="PngWriter"/> writes; the values are PNG's colour type codes.</summary>
public enum PngColorType
{
    /// <summary>One byte per pixel, grayscale.</summary>
    Gray = 0,

    /// <summary>Three bytes per pixel: red, green, blue.</summary>
    Rgb = 2,

    /// <summary>Four bytes per pixel: red, green, blue, alpha (not premultiplied).</summary>
    Rgba = 6,
}
