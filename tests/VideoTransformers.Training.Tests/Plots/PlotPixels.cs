using ScottPlot;
using SkiaSharp;

namespace VideoTransformers.Training.Tests.Plots;

/// <summary>Reads rendered figures back through SkiaSharp's PNG decoder, as any image viewer would.</summary>
internal static class PlotPixels
{
    public static SKBitmap Decode(byte[] png) =>
        SKBitmap.Decode(png) ?? throw new InvalidDataException("SkiaSharp could not decode the PNG");

    /// <summary>The colour of the screen pixel that holds <paramref name="px"/> (from <c>Plot.GetPixel</c> after a render).</summary>
    public static (byte R, byte G, byte B) At(SKBitmap image, Pixel px)
    {
        var c = image.GetPixel((int)Math.Floor(px.X), (int)Math.Floor(px.Y));
        return (c.Red, c.Green, c.Blue);
    }

    public static (byte R, byte G, byte B) Rgb(Color c) => (c.R, c.G, c.B);

    /// <summary>Rec. 601 luma, how bright a colour looks.</summary>
    public static double Luma((byte R, byte G, byte B) c) => 0.299 * c.R + 0.587 * c.G + 0.114 * c.B;

    /// <summary>Whether a pixel within <paramref name="radius"/> of <paramref name="px"/> is within <paramref name="tolerance"/> of <paramref name="colour"/> in every channel.</summary>
    public static bool Near(SKBitmap image, Pixel px, Color colour, int radius = 1, int tolerance = 40)
    {
        for (var dy = -radius; dy <= radius; dy++)
        for (var dx = -radius; dx <= radius; dx++)
        {
            int x = (int)Math.Floor(px.X) + dx, y = (int)Math.Floor(px.Y) + dy;
            if (x < 0 || y < 0 || x >= image.Width || y >= image.Height) continue;
            var c = image.GetPixel(x, y);
            if (Math.Abs(c.Red - colour.R) <= tolerance && Math.Abs(c.Green - colour.G) <= tolerance && Math.Abs(c.Blue - colour.B) <= tolerance)
                return true;
        }
        return false;
    }

    public static int DistinctColours(SKBitmap image) =>
        image.Pixels.Select(c => (uint)c).Distinct().Count();

    /// <summary>Pixels in a band of rows that are clearly darker than the white background: drawn text there.</summary>
    public static int DarkPixels(SKBitmap image, int top, int bottom)
    {
        var count = 0;
        for (var y = Math.Max(0, top); y < Math.Min(image.Height, bottom); y++)
        for (var x = 0; x < image.Width; x++)
            if (Luma(Rgb(image.GetPixel(x, y))) < 128) count++;
        return count;
    }

    private static (byte, byte, byte) Rgb(SKColor c) => (c.Red, c.Green, c.Blue);
}
