using SkiaSharp;

namespace VideoTransformers.Training.Plots;

/// <summary>
/// Picks the sans-serif font of the charts. SkiaSharp's Linux assets without fontconfig read the fonts under
/// /usr/share/fonts, and ScottPlot's own default there is whichever family comes first (DejaVu Serif on Debian).
/// </summary>
internal static class PlotFonts
{
    // Debian's fonts-dejavu-core first (build.sh installs it), then what other systems usually have.
    private static readonly string[] Candidates =
        ["DejaVu Sans", "Liberation Sans", "Noto Sans", "Arial", "Helvetica", "FreeSans", "Open Sans", "Segoe UI"];

    private static readonly Lazy<string?> Family = new(Find);

    /// <summary>The family the charts use, or null when no usable font is installed (text is then left out).</summary>
    public static string? Sans => Family.Value;

    /// <summary>Sets every label of <paramref name="plot"/> to <see cref="Sans"/> when there is one.</summary>
    public static void Apply(ScottPlot.Plot plot)
    {
        if (Sans is { } family) plot.Font.Set(family);
    }

    private static string? Find()
    {
        var installed = SKFontManager.Default.GetFontFamilies().Where(f => !string.IsNullOrWhiteSpace(f)).ToList();
        foreach (var name in Candidates)
            if (installed.Contains(name, StringComparer.OrdinalIgnoreCase)) return name;
        return installed.FirstOrDefault();
    }
}
