using System.Globalization;
using FluentAssertions;
using VideoTransformers.TestSupport;
using VideoTransformers.Training.Plots;
using Xunit;

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
        var frame = new byte[2 * 2];
        var img = AttentionOverlay.Render(frame, 2, 2, 1, [0f, 0f, 0f, 1f], 2, 2, Colormap.Viridis, alpha: 1f);
        img.GetPixel(0, 0).Should().Be(((byte)68, (byte)1, (byte)84));    // viridis(0) = #440154
        img.GetPixel(1, 1).Should().Be(((byte)253, (byte)231, (byte)37)); // viridis(1) = #fde725
    }

    [Fact]
    public void Alpha_blends_the_colour_over_the_frame()
    {
        byte[] frame = [200, 100, 0];
        // A constant map normalises to 0, and jet(0) is dark blue (0, 0, 128).
        AttentionOverlay.Render(frame, 1, 1, 3, [0.3f], 1, 1, Colormap.Jet, alpha: 0.5f).GetPixel(0, 0)
            .Should().Be(((byte)100, (byte)50, (byte)64));
        AttentionOverlay.Render(frame, 1, 1, 3, [0.3f], 1, 1, Colormap.Jet, alpha: 0f).GetPixel(0, 0)
            .Should().Be(((byte)200, (byte)100, (byte)0));
        // Without normalisation 1.0 maps to jet(1), dark red (128, 0, 0).
        AttentionOverlay.Render([10, 10, 10, 255], 1, 1, 4, [1f], 1, 1, Colormap.Jet, alpha: 1f, normalize: false).GetPixel(0, 0)
            .Should().Be(((byte)128, (byte)0, (byte)0));
    }

    [Fact]
    public void Low_resolution_maps_cover_the_whole_frame_in_order()
    {
        // A 2×2 map over an 8×8 gray frame: the bottom-right patch is hot, so jet red dominates there.
        var img = AttentionOverlay.Render(new byte[64], 8, 8, 1, [0f, 0.2f, 0.2f, 1f], 2, 2, Colormap.Jet, alpha: 1f);
        var (r1, _, b1) = img.GetPixel(7, 7);
        var (r0, _, b0) = img.GetPixel(0, 0);
        r1.Should().BeGreaterThan(100);
        b1.Should().Be(0);
        r0.Should().Be(0);
        b0.Should().BeGreaterThan(100);
    }

    [Fact]
    public void Clip_rendering_maps_tubelets_to_frames_and_normalises_over_the_clip()
    {
        // 4 frames of 2×3 gray, 2 attention steps: frames 0-1 use step 0 (all 0), frames 2-3 step 1 (all 1).
        var frames = new byte[4 * 2 * 3];
        float[] attention = [0, 0, 0, 0, 1, 1, 1, 1];
        var grid = AttentionOverlay.RenderClip(frames, 4, 2, 3, 1, attention, 2, 2, 2, columns: 2, colormap: Colormap.Gray, alpha: 1f);
        // 2 columns × 2 rows of 3×2 tiles with 2-pixel padding.
        grid.Width.Should().Be(2 * 3 + 3 * 2);
        grid.Height.Should().Be(2 * 2 + 3 * 2);
        grid.GetPixel(2, 2).Should().Be(((byte)0, (byte)0, (byte)0));       // frame 0
        grid.GetPixel(2 + 3 + 2, 2).Should().Be(((byte)0, (byte)0, (byte)0)); // frame 1
        grid.GetPixel(2, 2 + 2 + 2).Should().Be(((byte)255, (byte)255, (byte)255)); // frame 2
        grid.GetPixel(0, 0).Should().Be(((byte)255, (byte)255, (byte)255)); // padding
    }

    [Fact]
    public void Grid_centres_tiles_of_different_sizes()
    {
        var big = new RgbImage(4, 4);
        var small = new RgbImage(2, 2);
        small.SetPixel(0, 0, 9, 8, 7);
        var grid = AttentionOverlay.Grid([big, small, big], columns: 2, padding: 1, background: 200);
        grid.Width.Should().Be(2 * 4 + 3);
        grid.Height.Should().Be(2 * 4 + 3);
        // The small tile sits in cell (1, 0), which starts at x = 1 + 4 + 1 = 6, offset by (4 - 2) / 2 = 1.
        grid.GetPixel(7, 2).Should().Be(((byte)9, (byte)8, (byte)7));
        grid.GetPixel(6, 1).Should().Be(((byte)200, (byte)200, (byte)200));
        grid.GetPixel(1, 1).Should().Be(((byte)0, (byte)0, (byte)0));
    }

    [Fact]
    public void Rendered_overlays_save_as_decodable_png()
    {
        var frame = Enumerable.Range(0, 16 * 16).Select(i => (byte)i).ToArray();
        var img = AttentionOverlay.Render(frame, 16, 16, 1, [0f, 1f, 2f, 3f], 2, 2);
        var decoded = PngTestDecoder.Decode(img.ToPng());
        (decoded.Width, decoded.Height).Should().Be((16, 16));
        decoded.Pixels.Should().Equal(img.Pixels);
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
    }
}
