using ScottPlot;

namespace VideoTransformers.Training.Plots;

/// <summary>
/// An attention overlay: video frames tiled in one ScottPlot figure, each with its attention heat map on top. The
/// plot's coordinates are frame pixels, each tile occupying one <see cref="Tiles"/> rectangle.
/// </summary>
public sealed class AttentionFigure : Figure
{
    private readonly IReadOnlyList<Image> _frames;

    internal AttentionFigure(Plot plot, int width, int height, IReadOnlyList<CoordinateRect> tiles, IReadOnlyList<Image> frames, int frameWidth, int frameHeight)
        : base(plot, width, height)
    {
        Tiles = tiles;
        _frames = frames;
        FrameWidth = frameWidth;
        FrameHeight = frameHeight;
    }

    /// <summary>Where each frame lies in the plot's coordinates, in frame order.</summary>
    public IReadOnlyList<CoordinateRect> Tiles { get; }

    /// <summary>Width of a frame in pixels (and in plot units).</summary>
    public int FrameWidth { get; }

    /// <summary>Height of a frame in pixels (and in plot units).</summary>
    public int FrameHeight { get; }

    /// <summary>The plot coordinates of the centre of pixel (<paramref name="x"/>, <paramref name="y"/>) of frame <paramref name="frame"/>, row 0 at the top.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The frame or the pixel does not exist.</exception>
    public Coordinates FramePixel(int frame, int x, int y)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(frame);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(frame, Tiles.Count);
        if ((uint)x >= (uint)FrameWidth || (uint)y >= (uint)FrameHeight)
            throw new ArgumentOutOfRangeException(nameof(x), $"({x}, {y}) is outside the {FrameWidth}×{FrameHeight} frame.");
        var tile = Tiles[frame];
        return new Coordinates(tile.Left + x + 0.5, tile.Top - y - 0.5);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        // The plot does not own the frame images it shows.
        if (disposing)
            foreach (var frame in _frames) frame.Dispose();
        base.Dispose(disposing);
    }
}
