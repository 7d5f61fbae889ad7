namespace VideoTransformers.Training.Plots;

/// <summary>Maps a value in [0, 1] to a colour. Viridis and inferno interpolate matplotlib's 9-stop palettes.</summary>
internal static class ColormapTable
{
    private static readonly byte[,] ViridisStops =
    {
        { 0x44, 0x01, 0x54 }, { 0x47, 0x2C, 0x7A }, { 0x3B, 0x52, 0x8B }, { 0x2C, 0x72, 0x8E }, { 0x21, 0x91, 0x8C },
        { 0x28, 0xAE, 0x80 }, { 0x5E, 0xC9, 0x62 }, { 0xAD, 0xDC, 0x30 }, { 0xFD, 0xE7, 0x25 },
    };

    private static readonly byte[,] InfernoStops =
    {
        { 0x00, 0x00, 0x04 }, { 0x1F, 0x0C, 0x48 }, { 0x55, 0x0F, 0x6D }, { 0x88, 0x22, 0x6A }, { 0xBA, 0x36, 0x55 },
        { 0xE3, 0x59, 0x33 }, { 0xF9, 0x8C, 0x0A }, { 0xF9, 0xC9, 0x32 }, { 0xFC, 0xFF, 0xA4 },
    };

    public static (byte R, byte G, byte B) Map(Colormap map, float t)
    {
        t = float.IsNaN(t) ? 0 : Math.Clamp(t, 0f, 1f);
        switch (map)
        {
            case Colormap.Viridis: return Interpolate(ViridisStops, t);
            case Colormap.Inferno: return Interpolate(InfernoStops, t);
            case Colormap.Jet:
                return (Unit(1.5f - Math.Abs(4 * t - 3)), Unit(1.5f - Math.Abs(4 * t - 2)), Unit(1.5f - Math.Abs(4 * t - 1)));
            case Colormap.Gray:
                var g = Unit(t);
                return (g, g, g);
            default:
                throw new ArgumentOutOfRangeException(nameof(map), map, "Unknown colour map.");
        }
    }

    private static byte Unit(float v) => (byte)MathF.Round(Math.Clamp(v, 0f, 1f) * 255f);

    private static (byte, byte, byte) Interpolate(byte[,] stops, float t)
    {
        var last = stops.GetLength(0) - 1;
        var x = t * last;
        var i = Math.Min((int)x, last - 1);
        var f = x - i;
        byte Lerp(int ch) => (byte)MathF.Round(stops[i, ch] + (stops[i + 1, ch] - stops[i, ch]) * f);
        return (Lerp(0), Lerp(1), Lerp(2));
    }
}
