using System.Globalization;
using ScottPlot;
using TorchSharp;
using static TorchSharp.torch;

namespace VideoTransformers.Training.Plots;

/// <summary>
/// Draws attention maps over video frames with ScottPlot: the map is upsampled bilinearly to the frame (libtorch's
/// <c>interpolate</c>), coloured with a ScottPlot colormap and laid semi-transparently over the frame. Works for any
/// map resolution (a 14×14 patch grid, a 7×7 tubelet grid) and grayscale, RGB or RGBA frames.
/// </summary>
public static class AttentionOverlay
{
    // Small frames (28×28 MedMNIST volumes) are enlarged by a whole factor, pixel for pixel, to about this size.
    private const int MinTilePixels = 96;
    private const int GapPixels = 6;
    private const int LabelPixels = 18;
    // Free space on each side of a title as wide as the figure.
    private const int TitlePadding = 12;

    /// <summary>
    /// Bilinear resize with half-pixel centres: <c>torch.nn.functional.interpolate(mode="bilinear",
    /// align_corners=False)</c> itself, through TorchSharp.
    /// </summary>
    /// <returns>Row-major <c>outHeight × outWidth</c> values.</returns>
    public static float[] UpsampleBilinear(ReadOnlySpan<float> map, int height, int width, int outHeight, int outWidth)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outHeight, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outWidth, 1);
        if (map.Length != height * width)
            throw new ArgumentException($"A {height}×{width} map needs {height * width} values, not {map.Length}.", nameof(map));
        using var scope = NewDisposeScope();
        var input = torch.tensor(map.ToArray(), [1, 1, height, width]);
        var output = nn.functional.interpolate(input, size: [outHeight, outWidth], mode: InterpolationMode.Bilinear, align_corners: false);
        return output.contiguous().data<float>().ToArray();
    }

    /// <summary>Overlays one attention map on one frame.</summary>
    /// <param name="frame">Row-major <c>height × width × channels</c> bytes.</param>
    /// <param name="height">Frame height.</param>
    /// <param name="width">Frame width.</param>
    /// <param name="channels">1 (gray), 3 (RGB) or 4 (RGBA; alpha ignored).</param>
    /// <param name="attention">Row-major <c>attentionHeight × attentionWidth</c> weights.</param>
    /// <param name="attentionHeight">Map height.</param>
    /// <param name="attentionWidth">Map width.</param>
    /// <param name="colormap">How weights become colours; ScottPlot's jet when null.</param>
    /// <param name="alpha">Opacity of the colour layer, 0 (frame only) to 1 (map only).</param>
    /// <param name="normalize">Stretch the map's min..max to the full colour range; otherwise values are clamped to [0, 1].</param>
    /// <param name="title">A title above the figure, or none.</param>
    /// <returns>The figure; the caller disposes it.</returns>
    public static AttentionFigure Render(
        ReadOnlySpan<byte> frame, int height, int width, int channels,
        ReadOnlySpan<float> attention, int attentionHeight, int attentionWidth,
        IColormap? colormap = null, float alpha = 0.5f, bool normalize = true, string? title = null) =>
        RenderClip(frame, 1, height, width, channels, attention, 1, attentionHeight, attentionWidth, 1, colormap, alpha, normalize, title);

    /// <summary>
    /// Overlays a clip's attention on each of its frames and tiles them in one figure, left to right then top to
    /// bottom, each labelled with its frame number, with a colour bar. When the map has fewer time steps than the clip
    /// (tubelets), frame f uses map step <c>f · attentionFrames / frameCount</c>. Normalisation spans the whole clip,
    /// so colours compare across frames.
    /// </summary>
    /// <param name="frames">Row-major <c>frameCount × height × width × channels</c> bytes.</param>
    /// <param name="frameCount">Number of frames.</param>
    /// <param name="height">Frame height.</param>
    /// <param name="width">Frame width.</param>
    /// <param name="channels">1, 3 or 4.</param>
    /// <param name="attention">Row-major <c>attentionFrames × attentionHeight × attentionWidth</c> weights.</param>
    /// <param name="attentionFrames">Map time steps (1 to <paramref name="frameCount"/>).</param>
    /// <param name="attentionHeight">Map height.</param>
    /// <param name="attentionWidth">Map width.</param>
    /// <param name="columns">Tiles per row; all frames in one row when 0.</param>
    /// <param name="colormap">How weights become colours; ScottPlot's jet when null.</param>
    /// <param name="alpha">Opacity of the colour layer.</param>
    /// <param name="normalize">Stretch the clip's min..max to the full colour range; otherwise clamp to [0, 1].</param>
    /// <param name="title">A title above the figure, or none.</param>
    /// <returns>The figure; the caller disposes it.</returns>
    public static AttentionFigure RenderClip(
        ReadOnlySpan<byte> frames, int frameCount, int height, int width, int channels,
        ReadOnlySpan<float> attention, int attentionFrames, int attentionHeight, int attentionWidth,
        int columns = 0, IColormap? colormap = null, float alpha = 0.5f, bool normalize = true, string? title = null)
    {
        if (channels is not (1 or 3 or 4)) throw new ArgumentOutOfRangeException(nameof(channels), channels, "Frames must have 1, 3 or 4 channels.");
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(frameCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(attentionFrames, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(attentionFrames, frameCount);
        ArgumentOutOfRangeException.ThrowIfLessThan(attentionHeight, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(attentionWidth, 1);
        var frameSize = (long)height * width * channels;
        if (frames.Length != frameCount * frameSize)
            throw new ArgumentException(frameCount == 1
                ? $"A {height}×{width}×{channels} frame needs {frameSize} bytes, not {frames.Length}."
                : $"{frameCount} frames of {height}×{width}×{channels} need {frameCount * frameSize} bytes, not {frames.Length}.", nameof(frames));
        var mapSize = attentionHeight * attentionWidth;
        if (attention.Length != (long)attentionFrames * mapSize)
            throw new ArgumentException(attentionFrames == 1
                ? $"A {attentionHeight}×{attentionWidth} map needs {mapSize} values, not {attention.Length}."
                : $"{attentionFrames} maps of {attentionHeight}×{attentionWidth} need {attentionFrames * mapSize} values, not {attention.Length}.", nameof(attention));
        if (float.IsNaN(alpha) || alpha is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "Alpha must be in [0, 1].");
        foreach (var v in attention)
            if (!float.IsFinite(v)) throw new ArgumentException("The attention map contains NaN or infinity.", nameof(attention));

        var range = normalize ? Range(attention) : new ScottPlot.Range(0, 1);
        colormap ??= new ScottPlot.Colormaps.Jet();
        columns = columns <= 0 ? frameCount : Math.Min(columns, frameCount);
        var rows = (frameCount + columns - 1) / columns;

        // Plot units are frame pixels; the tiles are drawn `scale` screen pixels per unit, so every frame pixel is a
        // whole block of screen pixels and nothing is resampled.
        var scale = Math.Max(1, (MinTilePixels + Math.Min(height, width) - 1) / Math.Min(height, width));
        double gap = (double)GapPixels / scale, band = (double)LabelPixels / scale;
        var gridWidth = columns * width + (columns - 1) * gap;
        var gridHeight = rows * (band + height) + (rows - 1) * gap;

        var plot = new Plot();
        PlotFonts.Apply(plot);
        plot.HideAxesAndGrid();
        var tiles = new List<CoordinateRect>(frameCount);
        var images = new List<Image>(frameCount);
        ScottPlot.Plottables.Heatmap? first = null;
        for (var f = 0; f < frameCount; f++)
        {
            double left = f % columns * (width + gap), top = -(f / columns * (band + height + gap) + band);
            var tile = new CoordinateRect(left, left + width, top - height, top);
            tiles.Add(tile);

            images.Add(ToImage(frames.Slice((int)(f * frameSize), (int)frameSize), height, width, channels));
            plot.Add.ImageRect(images[^1], tile).AntiAlias = false;

            var step = (int)((long)f * attentionFrames / frameCount);
            var up = UpsampleBilinear(attention.Slice(step * mapSize, mapSize), attentionHeight, attentionWidth, height, width);
            // ScottPlot 5.1.59 draws nothing for a heat map one cell wide or high, so such a map is doubled that way.
            int ky = height == 1 ? 2 : 1, kx = width == 1 ? 2 : 1;
            var intensities = new double[height * ky, width * kx];
            for (var y = 0; y < height * ky; y++)
            for (var x = 0; x < width * kx; x++)
                intensities[y, x] = up[y / ky * width + x / kx];
            var heatmap = plot.Add.Heatmap(intensities);
            heatmap.Rectangle = tile;
            heatmap.Colormap = colormap;
            heatmap.ManualRange = range;
            heatmap.Opacity = alpha;
            first ??= heatmap;

            var label = plot.Add.Text($"frame {f.ToString(CultureInfo.InvariantCulture)}", left + width / 2.0, top + band / 2);
            label.LabelAlignment = Alignment.MiddleCenter;
            label.LabelFontSize = 11;
        }
        var colorBar = plot.Add.ColorBar(first!);
        colorBar.Label = "attention";
        plot.Axes.SetLimits(0, gridWidth, -gridHeight, 0);

        float marginLeft = 8, marginTop = title is null ? 8 : 40, marginRight = 110, marginBottom = 8;
        int pixelsWide = (int)Math.Round(gridWidth * scale), pixelsHigh = (int)Math.Round(gridHeight * scale);
        if (title is not null)
        {
            plot.Title(title);
            // A short run's few small frames make a figure narrower than its title, which was cut at both edges. The
            // title is centred over the frames (with a fixed layout, whatever FullFigureCenter says), so the frames
            // move to the middle of a figure widened to hold the title, with the colour bar's room still on the right.
            using var paint = Paint.NewDisposablePaint();
            float needed = plot.Axes.Title.Label.Measure(paint).Width + 2 * TitlePadding;
            if (needed > marginLeft + pixelsWide + marginRight)
            {
                float wide = Math.Max(needed, pixelsWide + 2 * marginRight);
                marginLeft = (wide - pixelsWide) / 2;
                marginRight = wide - marginLeft - pixelsWide;
            }
        }
        plot.Layout.Fixed(new PixelRect(marginLeft, marginLeft + pixelsWide, marginTop + pixelsHigh, marginTop));
        return new AttentionFigure(plot, (int)(marginLeft + pixelsWide + marginRight), (int)(marginTop + pixelsHigh + marginBottom), tiles, images, width, height);
    }

    // A constant map carries no information about where the model looks, so the whole of it gets the colour of 0.
    private static ScottPlot.Range Range(ReadOnlySpan<float> values)
    {
        float lo = float.PositiveInfinity, hi = float.NegativeInfinity;
        foreach (var v in values)
        {
            lo = Math.Min(lo, v);
            hi = Math.Max(hi, v);
        }
        return hi > lo ? new ScottPlot.Range(lo, hi) : new ScottPlot.Range(lo, lo + 1);
    }

    private static Image ToImage(ReadOnlySpan<byte> frame, int height, int width, int channels)
    {
        var rgb = new byte[height, width, 3];
        for (var y = 0; y < height; y++)
        for (var x = 0; x < width; x++)
        {
            var i = (y * width + x) * channels;
            for (var c = 0; c < 3; c++) rgb[y, x, c] = frame[channels == 1 ? i : i + c];
        }
        return new Image(rgb);
    }
}
