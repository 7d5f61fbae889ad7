using ScottPlot;

namespace VideoTransformers.Training.Plots;

/// <summary>
/// A ScottPlot chart with the pixel size it was laid out for. <see cref="Plot"/> stays open to changes (more
/// plottables, styles) before saving; after <see cref="ToPng"/> or a save, <c>Plot.GetPixel</c> maps data
/// coordinates to pixels of that image.
/// </summary>
public class Figure : IDisposable
{
    /// <summary>Wraps <paramref name="plot"/>, to be rendered at <paramref name="width"/> × <paramref name="height"/> pixels.</summary>
    public Figure(Plot plot, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(plot);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        Plot = plot;
        Width = width;
        Height = height;
    }

    /// <summary>The chart.</summary>
    public Plot Plot { get; }

    /// <summary>Image width in pixels.</summary>
    public int Width { get; }

    /// <summary>Image height in pixels.</summary>
    public int Height { get; }

    /// <summary>Renders the figure as a PNG file's bytes.</summary>
    public byte[] ToPng() => Plot.GetImageBytes(Width, Height, ImageFormat.Png);

    /// <summary>Renders the figure as an SVG document (vector shapes and text; heat maps and images embedded as PNG).</summary>
    public string ToSvg() => Plot.GetSvgXml(Width, Height);

    /// <summary>Writes a PNG file, creating its directory if needed.</summary>
    public void SavePng(string path) => File.WriteAllBytes(Prepare(path), ToPng());

    /// <summary>Writes an SVG file, creating its directory if needed.</summary>
    public void SaveSvg(string path) => File.WriteAllText(Prepare(path), ToSvg());

    /// <summary>Writes <paramref name="path"/> as PNG or SVG according to its extension.</summary>
    /// <exception cref="ArgumentException">The extension is neither .png nor .svg.</exception>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        switch (Path.GetExtension(path).ToLowerInvariant())
        {
            case ".png": SavePng(path); break;
            case ".svg": SaveSvg(path); break;
            default: throw new ArgumentException($"Cannot tell the image format of '{path}': use .png or .svg.", nameof(path));
        }
    }

    /// <summary>Releases the plot.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the plot when <paramref name="disposing"/>.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing) Plot.Dispose();
    }

    private static string Prepare(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir != null) Directory.CreateDirectory(dir);
        return path;
    }
}
