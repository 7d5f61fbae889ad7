using System.Globalization;
using FluentAssertions;
using VideoTransformers.TestSupport;
using VideoTransformers.Training.Plots;
using Xunit;
using static VideoTransformers.Training.Tests.Plots.PlotPixels;

namespace VideoTransformers.Training.Tests.Plots;

public class AttentionOverlayTests
{
    [Fact]
    public void Bilinear_upsampling_uses_half_pixel_centres()
    {
        // in=2, out=4: sources at -0.25 (clamped), 0.25, 0.75, 1.25 (clamped).
        AttentionOverlay.UpsampleBilinear([0f, 4f], 1, 2, 1, 4).Should().Equal(0f, 1f, 3f, 4f);
        AttentionOverlay.UpsampleBilinear([1f, 2f, 3f, 4f], 2, 2, 2, 2).Should().Equal(1f, 2f, 3f, 4f);
        var up = AttentionOverlay.UpsampleBilinear([0f, 0f, 0f, 8f], 2, 2, 4, 4);
        up[0].Should().Be(0);
        up[15].Should().Be(8);
        up[5].Should().Be(0.5f);  // (0.25, 0.25): 8 × 0.25 × 0.25
        up[10].Should().Be(4.5f); // (0.75, 0.75): 8 × 0.75 × 0.75
        AttentionOverlay.UpsampleBilinear([7f], 1, 1, 3, 2).Should().OnlyContain(v => v == 7f);
    }

    [SkippableFact]
    public void Bilinear_upsampling_matches_torch_interpolate()
    {
        PythonNumpy.RequireModule("torch");
        var rng = new Random(3);
        var map = Enumerable.Range(0, 3 * 5).Select(_ => (float)Math.Round(rng.NextDouble(), 3)).ToArray();
        var output = PythonNumpy.Run("-c", $$"""
            import torch
            x = torch.tensor([{{string.Join(",", map.Select(v => v.ToString("R", CultureInfo.InvariantCulture)))}}], dtype=torch.float32).reshape(1, 1, 3, 5)
            y = torch.nn.functional.interpolate(x, size=(7, 12), mode='bilinear', align_corners=False)
            print(' '.join(repr(float(v)) for v in y.flatten()))
            """);
        var expected = output.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(s => float.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        AttentionOverlay.UpsampleBilinear(map, 3, 5, 7, 12).Should().Equal(expected, (a, b) => Math.Abs(a - b) < 1e-5);
    }

    [Fact]
    public void Peak_gets_the_top_colour_and_the_floor_the_bottom_colour()
    {
        var viridis = new ScottPlot.Colormaps.Viridis();
        using var figure = AttentionOverlay.Render(new byte[2 * 2], 2, 2, 1, [0f, 0f, 0f, 1f], 2, 2, viridis, alpha: 1f);
        using var png = Decode(figure.ToPng());
        Pixel(figure, png, 0, 0).Should().Be(((byte)0x44, (byte)0x01, (byte)0x54)); // viridis(0) = #440154
        Pixel(figure, png, 1, 1).Should().Be(Rgb(viridis.GetColor(1)));
        Pixel(figure, png, 1, 1).Should().Be(((byte)0xFD, (byte)0xE7, (byte)0x24));
    }

    [Fact]
    public void Alpha_blends_the_colour_over_the_frame()
    {
        byte[] frame = [200, 100, 0];
        var jet = new ScottPlot.Colormaps.Jet();
        // A constant map normalises to 0, and jet(0) is dark blue (0, 0, 127). The colour layer's opacity is stored in
        // 8 bits (0.5 → 128/255), so the blend may land one level off the exact half.
        using (var half = AttentionOverlay.Render(frame, 1, 1, 3, [0.3f], 1, 1, jet, alpha: 0.5f))
        using (var png = Decode(half.ToPng()))
        {
            var (r, g, b) = Pixel(half, png, 0, 0);
            ((int)r).Should().BeInRange(99, 101);
            ((int)g).Should().BeInRange(49, 51);
            ((int)b).Should().BeInRange(63, 64);
        }
        using (var none = AttentionOverlay.Render(frame, 1, 1, 3, [0.3f], 1, 1, jet, alpha: 0f))
        using (var png = Decode(none.ToPng()))
            Pixel(none, png, 0, 0).Should().Be(((byte)200, (byte)100, (byte)0));
        // Without normalisation 1.0 maps to jet(1), dark red, and an RGBA frame's alpha is ignored.
        using (var full = AttentionOverlay.Render([10, 10, 10, 0], 1, 1, 4, [1f], 1, 1, jet, alpha: 1f, normalize: false))
        using (var png = Decode(full.ToPng()))
            Pixel(full, png, 0, 0).Should().Be(((byte)127, (byte)0, (byte)0));
        // Values beyond [0, 1] are clamped to the ends of the colour map.
        using (var over = AttentionOverlay.Render([10, 10, 10], 1, 1, 3, [3f], 1, 1, jet, alpha: 1f, normalize: false))
        using (var png = Decode(over.ToPng()))
            Pixel(over, png, 0, 0).Should().Be(((byte)127, (byte)0, (byte)0));
    }

    [Fact]
    public void Low_resolution_maps_cover_the_whole_frame_in_order()
    {
        // A 2×2 map over an 8×8 gray frame: the bottom-right patch is hot, so jet red dominates there.
        using var figure = AttentionOverlay.Render(new byte[64], 8, 8, 1, [0f, 0.2f, 0.2f, 1f], 2, 2, new ScottPlot.Colormaps.Jet(), alpha: 1f);
        using var png = Decode(figure.ToPng());
        var (r1, _, b1) = Pixel(figure, png, 7, 7);
        var (r0, _, b0) = Pixel(figure, png, 0, 0);
        ((int)r1).Should().BeGreaterThan(100);
        b1.Should().Be(0);
        r0.Should().Be(0);
        ((int)b0).Should().BeGreaterThan(100);
    }

    [Fact]
    public void The_overlay_is_brighter_where_attention_is_higher()
    {
        // A mid-gray frame under a 4×4 map rising from the top-left corner to the bottom-right one, in inferno,
        // whose brightness rises with the value.
        var frame = Enumerable.Repeat((byte)128, 16 * 16).ToArray();
        var map = Enumerable.Range(0, 16).Select(i => (float)(i / 4 + i % 4)).ToArray();
        using var figure = AttentionOverlay.Render(frame, 16, 16, 1, map, 4, 4, new ScottPlot.Colormaps.Inferno(), alpha: 0.6f);
        using var png = Decode(figure.ToPng());
        var diagonal = new[] { 0, 4, 8, 12, 15 }.Select(i => Luma(Pixel(figure, png, i, i))).ToList();
        diagonal.Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
        (diagonal[^1] - diagonal[0]).Should().BeGreaterThan(80);
        // Along an anti-diagonal the map is constant, and so is the colour.
        Pixel(figure, png, 15, 0).Should().Be(Pixel(figure, png, 0, 15));
    }

    [Fact]
    public void Clip_rendering_maps_tubelets_to_frames_and_normalises_over_the_clip()
    {
        // 4 frames of 2×3 gray, 2 attention steps: frames 0-1 use step 0 (all 0), frames 2-3 step 1 (all 1).
        var frames = new byte[4 * 2 * 3];
        float[] attention = [0, 0, 0, 0, 1, 1, 1, 1];
        using var figure = AttentionOverlay.RenderClip(frames, 4, 2, 3, 1, attention, 2, 2, 2, columns: 2,
            colormap: new ScottPlot.Colormaps.Grayscale(), alpha: 1f, title: "clip");
        using var png = Decode(figure.ToPng());
        (png.Width, png.Height).Should().Be((figure.Width, figure.Height));

        // 2 columns × 2 rows, frame order left to right then top to bottom.
        var t = figure.Tiles;
        t.Should().HaveCount(4);
        t.Should().OnlyContain(r => r.Width == 3 && r.Height == 2);
        t[1].Left.Should().BeGreaterThan(t[0].Right);
        t[1].Top.Should().Be(t[0].Top);
        t[2].Left.Should().Be(t[0].Left);
        t[2].Top.Should().BeLessThan(t[0].Bottom);
        t[3].Left.Should().Be(t[1].Left);
        t[3].Top.Should().Be(t[2].Top);

        byte[] black = [0, 0, 0], white = [255, 255, 255];
        for (var f = 0; f < 4; f++)
        for (var y = 0; y < 2; y++)
        for (var x = 0; x < 3; x++)
        {
            var (r, g, b) = At(png, figure.Plot.GetPixel(figure.FramePixel(f, x, y)));
            new[] { r, g, b }.Should().Equal(f < 2 ? black : white, $"frame {f} pixel ({x}, {y})");
        }
        // The gap between frames 0 and 1 is background, not map.
        var gap = figure.Plot.GetPixel(new ScottPlot.Coordinates((t[0].Right + t[1].Left) / 2, t[0].Top - 1));
        Luma(At(png, gap)).Should().BeGreaterThan(250);
        // Titled, labelled tiles with a colour bar: text and colours beyond the frames themselves.
        DarkPixels(png, 0, 36).Should().BeGreaterThan(20);
        DistinctColours(png).Should().BeGreaterThan(20);
        figure.Plot.Axes.Title.Label.Text.Should().Be("clip");
        figure.Plot.GetPlottables<ScottPlot.Plottables.Text>().Select(l => l.LabelText).Should().Equal("frame 0", "frame 1", "frame 2", "frame 3");
    }

    [Fact]
    public void Small_frames_are_enlarged_by_a_whole_factor_and_keep_their_pixels()
    {
        // A 28×28 RGB frame (MedMNIST size) with a distinct colour per pixel, under a fully transparent map.
        var frame = new byte[28 * 28 * 3];
        for (var i = 0; i < 28 * 28; i++) (frame[i * 3], frame[i * 3 + 1], frame[i * 3 + 2]) = ((byte)(i % 28 * 9), (byte)(i / 28 * 9), 77);
        using var figure = AttentionOverlay.Render(frame, 28, 28, 3, new float[49], 7, 7, alpha: 0f);
        using var png = Decode(figure.ToPng());
        var topLeft = figure.Plot.GetPixel(new ScottPlot.Coordinates(figure.Tiles[0].Left, figure.Tiles[0].Top));
        var bottomRight = figure.Plot.GetPixel(new ScottPlot.Coordinates(figure.Tiles[0].Right, figure.Tiles[0].Bottom));
        var side = bottomRight.X - topLeft.X;
        side.Should().Be(bottomRight.Y - topLeft.Y);
        (side % 28).Should().Be(0);
        side.Should().BeGreaterThanOrEqualTo(96);
        foreach (var (x, y) in new[] { (0, 0), (27, 0), (0, 27), (13, 14), (27, 27) })
            Pixel(figure, png, x, y).Should().Be(((byte)(x * 9), (byte)(y * 9), (byte)77));
    }

    [Fact]
    public void Rendered_overlays_save_as_decodable_png()
    {
        var path = Path.Combine(Path.GetTempPath(), $"vt-attention-{Guid.NewGuid():N}", "attention.png");
        try
        {
            var frame = Enumerable.Range(0, 16 * 16).Select(i => (byte)i).ToArray();
            using var figure = AttentionOverlay.Render(frame, 16, 16, 1, [0f, 1f, 2f, 3f], 2, 2);
            figure.SavePng(path);
            using var png = Decode(File.ReadAllBytes(path));
            (png.Width, png.Height).Should().Be((figure.Width, figure.Height));
            DistinctColours(png).Should().BeGreaterThan(50);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
    }

    [Fact]
    public void A_title_wider_than_the_frames_widens_the_figure_instead_of_being_cut()
    {
        // Two 8×8 frames (a short run's clip) under the long title vt writes for such a run.
        var frames = Enumerable.Range(0, 2 * 64).Select(i => (byte)(i * 2)).ToArray();
        const string title = "TimeSformerDividedSpaceTime: attention (last spatial layer, CLS row)";
        using var figure = AttentionOverlay.RenderClip(frames, 2, 8, 8, 1, new float[2 * 4].Select((_, i) => (float)i).ToArray(), 2, 2, 2, title: title);
        using var png = Decode(figure.ToPng());
        const int band = 36;
        DarkPixels(png, 0, band).Should().BeGreaterThan(200, "the title is drawn");
        int left = int.MaxValue, right = -1;
        for (var y = 0; y < band; y++)
        for (var x = 0; x < png.Width; x++)
        {
            var c = png.GetPixel(x, y);
            if (Luma((c.Red, c.Green, c.Blue)) >= 128) continue;
            left = Math.Min(left, x);
            right = Math.Max(right, x);
        }
        left.Should().BeGreaterThanOrEqualTo(4, "nothing of the title may touch the left edge");
        right.Should().BeLessThan(png.Width - 4, "nothing of the title may touch the right edge");
        (right - left).Should().BeGreaterThan(300, "all of a 68-character title fits");
    }

    [Fact]
    public void Invalid_inputs_are_rejected()
    {
        var badFrame = () => AttentionOverlay.Render(new byte[5], 2, 2, 1, [1f], 1, 1);
        badFrame.Should().Throw<ArgumentException>().WithMessage("*needs 4 bytes, not 5*");
        var badMap = () => AttentionOverlay.Render(new byte[4], 2, 2, 1, [1f, 2f], 1, 1);
        badMap.Should().Throw<ArgumentException>().WithMessage("*1×1 map*");
        var nan = () => AttentionOverlay.Render(new byte[4], 2, 2, 1, [float.NaN], 1, 1);
        nan.Should().Throw<ArgumentException>().WithMessage("*NaN*");
        var channels = () => AttentionOverlay.Render(new byte[8], 2, 2, 2, [1f], 1, 1);
        channels.Should().Throw<ArgumentOutOfRangeException>();
        var alpha = () => AttentionOverlay.Render(new byte[4], 2, 2, 1, [1f], 1, 1, alpha: 1.5f);
        alpha.Should().Throw<ArgumentOutOfRangeException>();
        var clip = () => AttentionOverlay.RenderClip(new byte[12], 3, 2, 2, 1, [1f, 1f, 1f, 1f], 4, 1, 1);
        clip.Should().Throw<ArgumentOutOfRangeException>();
        using var figure = AttentionOverlay.Render(new byte[4], 2, 2, 1, [1f], 1, 1);
        var outside = () => figure.FramePixel(0, 2, 0);
        outside.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*outside the 2×2 frame*");
    }

    private static (byte R, byte G, byte B) Pixel(AttentionFigure figure, SkiaSharp.SKBitmap png, int x, int y) =>
        At(png, figure.Plot.GetPixel(figure.FramePixel(0, x, y)));
}
