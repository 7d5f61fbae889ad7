namespace VideoTransformers.Training.Plots;

/// <summary>An 8-bit RGB image, row-major, top row first, three bytes per pixel.</summary>
public sealed class RgbImage
{
    /// <summary>Creates an image, black unless <paramref name="pixels"/> (taken without a copy) is given.</summary>
    /// <exception cref="ArgumentException">The size is not positive or <paramref name="pixels"/> has the wrong length.</exception>
    public RgbImage(int width, int height, byte[]? pixels = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        var size = checked(width * height * 3);
        if (pixels != null && pixels.Length != size)
            throw new ArgumentException($"A {width}×{height} RGB image needs {size} bytes, not {pixels.Length}.", nameof(pixels));
        Width = width;
        Height = height;
        Pixels = pixels ?? new byte[size];
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>The <c>Height × Width × 3</c> pixel bytes.</summary>
    public byte[] Pixels { get; }

    /// <summary>The colour at column <paramref name="x"/>, row <paramref name="y"/>.</summary>
    public (byte R, byte G, byte B) GetPixel(int x, int y)
    {
        var i = Index(x, y);
        return (Pixels[i], Pixels[i + 1], Pixels[i + 2]);
    }

    /// <summary>Sets the colour at column <paramref name="x"/>, row <paramref name="y"/>.</summary>
    public void SetPixel(int x, int y, byte r, byte g, byte b)
    {
        var i = Index(x, y);
        Pixels[i] = r;
        Pixels[i + 1] = g;
        Pixels[i + 2] = b;
    }

    /// <summary>Encodes the image as PNG.</summary>
    public byte[] ToPng() => PngWriter.Encode(Pixels, Width, Height, PngColorType.Rgb);

    /// <summary>Writes the image as a PNG file.</summary>
    public void SavePng(string path) => PngWriter.Write(path, Pixels, Width, Height, PngColorType.Rgb);

    private int Index(int x, int y)
    {
        if ((uint)x >= (uint)Width || (uint)y >= (uint)Height)
            throw new ArgumentOutOfRangeException(nameof(x), $"({x}, {y}) is outside the {Width}×{Height} image.");
        return (y * Width + x) * 3;
    }
}
