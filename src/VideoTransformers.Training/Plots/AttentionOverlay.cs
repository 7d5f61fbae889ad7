namespace VideoTransformers.Training.Plots;

/// <summary>
/// Draws attention maps over video frames: the map is upsampled bilinearly to the frame, coloured with a
/// <see cref="Colormap"/> and alpha-blended onto the frame. Works for any map resolution (a 14×14 patch grid,
/// a 7×7 tubelet grid) and grayscale, RGB or RGBA frames.
/// </summary>
public static class AttentionOverlay
{
    /// <summary>
    /// Bilinear resize with half-pixel centres, like <c>torch.nn.functional.interpolate(mode="bilinear",
    /// align_corners=False)</c>: each output pixel samples the input at <c>(o + 0.5)·in/out − 0.5</c>, clamped to the edges.
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

        var result = new float[outHeight * outWidth];
        var x0 = new int[outWidth];
        var x1 = new int[outWidth];
        var fx = new float[outWidth];
        for (var ox = 0; ox < outWidth; ox++) (x0[ox], x1[ox], fx[ox]) = Source(ox, width, outWidth);
        for (var oy = 0; oy < outHeight; oy++)
        {
            var (y0, y1, fy) = Source(oy, height, outHeight);
            for (var ox = 0; ox < outWidth; ox++)
            {
                var top = map[y0 * width + x0[ox]] * (1 - fx[ox]) + map[y0 * width + x1[ox]] * fx[ox];
                var bottom = map[y1 * width + x0[ox]] * (1 - fx[ox]) + map[y1 * width + x1[ox]] * fx[ox];
                result[oy * outWidth + ox] = top * (1 - fy) + bottom * fy;
            }
        }
        return result;
    }

    /// <summary>Overlays one attention map on one frame.</summary>
    /// <param name="frame">Row-major <c>height × width × channels</c> bytes.</param>
    /// <param name="height">Frame height.</param>
    /// <param name="width">Frame width.</param>
    /// <param name="channels">1 (gray), 3 (RGB) or 4 (RGBA; alpha ignored).</param>
    /// <param name="attention">Row-major <c>attentionHeight × attentionWidth</c> weights.</param>
    /// <param name="attentionHeight">Map height.</param>
    /// <param name="attentionWidth">Map width.</param>
    /// <param name="colormap">How weights become colours.</param>
    /// <param name="alpha">Opacity of the colour layer, 0 (frame only) to 1 (map only).</param>
    /// <param name="normalize">Stretch the map's min..max to the full colour range; otherwise values are clamped to [0, 1].</param>
    public static RgbImage Render(
        ReadOnlySpan<byte> frame, int height, int width, int channels,
        ReadOnlySpan<float> attention, int attentionHeight, int attentionWidth,
        Colormap colormap = Colormap.Jet, float alpha = 0.5f, bool normalize = true)
    {
        var (lo, hi) = normalize ? Range(attention) : (0f, 1f);
        return RenderCore(frame, height, width, channels, attention, attentionHeight, attentionWidth, colormap, alpha, lo, hi);
    }

    /// <summary>
    /// Overlays a clip's attention on each of its frames and tiles the results into one image, left to right then
    /// top to bottom. When the map has fewer time steps than the clip (tubelets), frame f uses map step
    /// <c>f · attentionFrames / frameCount</c>. Normalisation spans the whole clip, so colours compare across frames.
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
    /// <param name="colormap">How weights become colours.</param>
    /// <param name="alpha">Opacity of the colour layer.</param>
    /// <param name="normalize">Stretch the clip's min..max to the full colour range; otherwise clamp to [0, 1].</param>
    public static RgbImage RenderClip(
        ReadOnlySpan<byte> frames, int frameCount, int height, int width, int channels,
        ReadOnlySpan<float> attention, int attentionFrames, int attentionHeight, int attentionWidth,
        int columns = 0, Colormap colormap = Colormap.Jet, float alpha = 0.5f, bool normalize = true)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(frameCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(attentionFrames, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(attentionFrames, frameCount);
        var frameSize = height * width * channels;
        if (frames.Length != frameCount * frameSize)
            throw new ArgumentException($"{frameCount} frames of {height}×{width}×{channels} need {frameCount * frameSize} bytes, not {frames.Length}.", nameof(frames));
        var mapSize = attentionHeight * attentionWidth;
        if (attention.Length != attentionFrames * mapSize)
            throw new ArgumentException($"{attentionFrames} maps of {attentionHeight}×{attentionWidth} need {attentionFrames * mapSize} values, not {attention.Length}.", nameof(attention));

        var (lo, hi) = normalize ? Range(attention) : (0f, 1f);
        var tiles = new List<RgbImage>(frameCount);
        for (var f = 0; f < frameCount; f++)
        {
            var step = (int)((long)f * attentionFrames / frameCount);
            tiles.Add(RenderCore(frames.Slice(f * frameSize, frameSize), height, width, channels,
                attention.Slice(step * mapSize, mapSize), attentionHeight, attentionWidth, colormap, alpha, lo, hi));
        }
        return Grid(tiles, columns <= 0 ? frameCount : columns);
    }

    /// <summary>Tiles images into a grid, left to right then top to bottom, each centred in a cell the size of the largest.</summary>
    /// <param name="tiles">The images.</param>
    /// <param name="columns">Tiles per row.</param>
    /// <param name="padding">Pixels between and around tiles.</param>
    /// <param name="background">Gray level of the padding.</param>
    public static RgbImage Grid(IReadOnlyList<RgbImage> tiles, int columns, int padding = 2, byte background = 255)
    {
        ArgumentNullException.ThrowIfNull(tiles);
        if (tiles.Count == 0) throw new ArgumentException("A grid needs at least one tile.", nameof(tiles));
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(padding);
        columns = Math.Min(columns, tiles.Count);
        var rows = (tiles.Count + columns - 1) / columns;
        var cellW = tiles.Max(t => t.Width);
        var cellH = tiles.Max(t => t.Height);
        var width = columns * cellW + (columns + 1) * padding;
        var height = rows * cellH + (rows + 1) * padding;
        var pixels = new byte[checked(width * height * 3)];
        Array.Fill(pixels, background);
        for (var i = 0; i < tiles.Count; i++)
        {
            var t = tiles[i];
            var left = padding + (i % columns) * (cellW + padding) + (cellW - t.Width) / 2;
            var top = padding + (i / columns) * (cellH + padding) + (cellH - t.Height) / 2;
            for (var y = 0; y < t.Height; y++)
                Buffer.BlockCopy(t.Pixels, y * t.Width * 3, pixels, ((top + y) * width + left) * 3, t.Width * 3);
        }
        return new RgbImage(width, height, pixels);
    }

    private static RgbImage RenderCore(
        ReadOnlySpan<byte> frame, int height, int width, int channels,
        ReadOnlySpan<float> attention, int attentionHeight, int attentionWidth,
        Colormap colormap, float alpha, float lo, float hi)
    {
        if (channels is not (1 or 3 or 4)) throw new ArgumentOutOfRangeException(nameof(channels), channels, "Frames must have 1, 3 or 4 channels.");
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        if (frame.Length != height * width * channels)
            throw new ArgumentException($"A {height}×{width}×{channels} frame needs {height * width * channels} bytes, not {frame.Length}.", nameof(frame));
        if (float.IsNaN(alpha) || alpha is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "Alpha must be in [0, 1].");
        foreach (var v in attention)
            if (!float.IsFinite(v)) throw new ArgumentException("The attention map contains NaN or infinity.", nameof(attention));

        var up = UpsampleBilinear(attention, attentionHeight, attentionWidth, height, width);
        var scale = hi > lo ? 1f / (hi - lo) : 0f;
        var image = new RgbImage(width, height);
        var px = image.Pixels;
        for (var i = 0; i < height * width; i++)
        {
            // A constant map carries no information about where the model looks, so it gets the colour of 0.
            var t = scale == 0 ? 0 : (up[i] - lo) * scale;
            var (r, g, b) = ColormapTable.Map(colormap, t);
            byte fr, fg, fb;
            if (channels == 1) fr = fg = fb = frame[i];
            else (fr, fg, fb) = (frame[i * channels], frame[i * channels + 1], frame[i * channels + 2]);
            px[i * 3] = Blend(fr, r, alpha);
            px[i * 3 + 1] = Blend(fg, g, alpha);
            px[i * 3 + 2] = Blend(fb, b, alpha);
        }
        return image;
    }

    private static byte Blend(byte under, byte over, float alpha) => (byte)MathF.Round(under * (1 - alpha) + over * alpha);

    private static (float Lo, float Hi) Range(ReadOnlySpan<float> values)
    {
        float lo = float.PositiveInfinity, hi = float.NegativeInfinity;
        foreach (var v in values)
        {
            if (!float.IsFinite(v)) continue;
            lo = Math.Min(lo, v);
            hi = Math.Max(hi, v);
        }
        return lo <= hi ? (lo, hi) : (0f, 0f);
    }

    private static (int I0, int I1, float Frac) Source(int o, int inSize, int outSize)
    {
        var s = (o + 0.5f) * inSize / outSize - 0.5f;
        if (s <= 0) return (0, 0, 0);
        if (s >= inSize - 1) return (inSize - 1, inSize - 1, 0);
        var i0 = (int)s;
        return (i0, i0 + 1, s - i0);
    }
}
