using FluentAssertions;
using VideoTransformers.Data.Transforms;
using VideoTransformers.Torch;
using Xunit;
using TorchSharp;
using static TorchSharp.torch;

namespace VideoTransformers.Data.Tests.Transforms;

public class SpatialTransformTests
{
    [Fact]
    public void Flip_with_p1_mirrors_every_frame_and_p0_keeps_the_clip()
    {
        using var scope = NewDisposeScope();
        var clip = ClipFactory.Ramp(3, 2, 4, 5);
        var flipped = new RandomHorizontalFlip(1.0).Apply(clip, new Random(1));
        flipped.shape.Should().Equal(3, 2, 4, 5);
        flipped.Equals(clip.flip(3)).Should().BeTrue();
        // Spot check against the definition: out[t, c, y, x] = in[t, c, y, W-1-x].
        flipped[1][0][2][0].ToSingle().Should().Be(clip[1][0][2][4].ToSingle());
        new RandomHorizontalFlip(0.0).Apply(clip, new Random(1)).Equals(clip).Should().BeTrue();
    }

    [Fact]
    public void Rotation_by_zero_is_the_identity()
    {
        using var scope = NewDisposeScope();
        var clip = ClipFactory.Random(4, 3, 16, 16, seed: 3);
        var rotated = RandomRotation.Rotate(clip, 0);
        rotated.shape.Should().Equal(4, 3, 16, 16);
        rotated.allclose(clip, rtol: 0, atol: 1e-5).Should().BeTrue();
    }

    [Fact]
    public void Rotation_by_90_degrees_is_a_transpose_and_flip()
    {
        using var scope = NewDisposeScope();
        var clip = ClipFactory.Random(2, 1, 12, 12, seed: 4);
        // Counter-clockwise as displayed, i.e. numpy's rot90 over (H, W): transpose, then reverse the rows.
        var expected = clip.transpose(2, 3).flip(2);
        RandomRotation.Rotate(clip, 90).allclose(expected, rtol: 0, atol: 1e-5).Should().BeTrue();
        RandomRotation.Rotate(clip, -90).allclose(clip.transpose(2, 3).flip(3), rtol: 0, atol: 1e-5).Should().BeTrue();
        RandomRotation.Rotate(clip, 90).allclose(clip, rtol: 0, atol: 1e-2).Should().BeFalse();
    }

    [Fact]
    public void Rotation_uses_one_angle_for_all_frames()
    {
        using var scope = NewDisposeScope();
        var frame = ClipFactory.Random(1, 1, 20, 20, seed: 5);
        var clip = frame.repeat(6, 1, 1, 1);
        var rotated = new RandomRotation(25).Apply(clip, new Random(11));
        for (int t = 1; t < 6; t++) rotated[t].Equals(rotated[0]).Should().BeTrue();
        rotated[0].allclose(frame[0], rtol: 0, atol: 1e-3).Should().BeFalse("a random angle within ±25° is almost surely not 0");
    }

    [Fact]
    public void Rotation_applies_the_angle_it_draws()
    {
        using var scope = NewDisposeScope();
        var clip = ClipFactory.Random(2, 1, 10, 14, seed: 6);
        var t = new RandomRotation(25);
        for (int seed = 0; seed < 5; seed++)
        {
            var angle = t.DrawAngle(new Random(seed));
            t.Apply(clip, new Random(seed)).Equals(RandomRotation.Rotate(clip, angle)).Should().BeTrue();
        }
    }

    [Fact]
    public void Rotation_keeps_non_square_frames_undistorted()
    {
        using var scope = NewDisposeScope();
        // A 90° turn of a 10x20 frame about its centre maps the central 10x10 square onto itself (turned).
        var clip = ClipFactory.Random(1, 1, 10, 20, seed: 7);
        var rotated = RandomRotation.Rotate(clip, 90);
        var centre = clip.narrow(3, 5, 10);
        rotated.narrow(3, 5, 10).allclose(centre.transpose(2, 3).flip(2), rtol: 0, atol: 1e-5).Should().BeTrue();
    }

    [Fact]
    public void Resize_gives_the_requested_sizes_and_keeps_constant_images()
    {
        using var scope = NewDisposeScope();
        var clip = full([3, 1, 30, 40], 0.25);
        new Resize(16, 24).Apply(clip, new Random(0)).shape.Should().Equal(3, 1, 16, 24);
        var r = new Resize(15).Apply(clip, new Random(0));
        r.shape.Should().Equal(3, 1, 15, 20);
        r.allclose(full([3, 1, 15, 20], 0.25)).Should().BeTrue();
        new Resize(20).OutputSize(240, 320).Should().Be((20, 27));
        new Resize(20).OutputSize(320, 240).Should().Be((27, 20));
    }

    [Fact]
    public void Resize_by_two_matches_averaging_of_pixel_pairs()
    {
        using var scope = NewDisposeScope();
        // With align_corners=false, halving samples halfway between source pixels: the mean of each 2x2 block.
        var clip = ClipFactory.Random(2, 2, 8, 8, seed: 8);
        var expected = nn.functional.avg_pool2d(clip, [2, 2]);
        new Resize(4, 4).Apply(clip, new Random(0)).allclose(expected, rtol: 0, atol: 1e-6).Should().BeTrue();
    }

    [Fact]
    public void Crops_cut_the_expected_windows()
    {
        using var scope = NewDisposeScope();
        var clip = ClipFactory.Ramp(2, 1, 6, 8);
        var centre = new CenterCrop(2, 4).Apply(clip, new Random(0));
        centre.Equals(clip.narrow(2, 2, 2).narrow(3, 2, 4)).Should().BeTrue();

        var crop = new RandomCrop(3, 5);
        var seen = new HashSet<(float, float)>();
        for (int seed = 0; seed < 50; seed++)
        {
            var c = crop.Apply(clip, new Random(seed));
            c.shape.Should().Equal(2, 1, 3, 5);
            // The ramp encodes the position: element (y, x) of frame 0 is 8y + x.
            float corner = c[0][0][0][0].ToSingle();
            int top = (int)corner / 8, left = (int)corner % 8;
            top.Should().BeInRange(0, 3);
            left.Should().BeInRange(0, 3);
            c.Equals(clip.narrow(2, top, 3).narrow(3, left, 5)).Should().BeTrue();
            seen.Add((top, left));
        }
        seen.Count.Should().BeGreaterThan(8, "offsets are drawn at random");
        var tooBig = () => new RandomCrop(7, 2).Apply(clip, new Random(0));
        tooBig.Should().Throw<ArgumentException>().WithMessage("*7x2*6x8*");
    }

    [Fact]
    public void Normalize_standardises_each_channel()
    {
        using var scope = NewDisposeScope();
        var clip = stack([full([2, 4, 4], 0.5), full([2, 4, 4], 0.2)], 1);
        var n = new Normalize([0.5f, 0.1f], [0.25f, 0.5f]).Apply(clip, new Random(0));
        n.shape.Should().Equal(2, 2, 4, 4);
        n.select(1, 0).abs().max().ToSingle().Should().BeLessThan(1e-6f);
        n.select(1, 1).allclose(full([2, 4, 4], 0.2), rtol: 0, atol: 1e-6).Should().BeTrue();
        var wrong = () => new Normalize([0.5f], [0.2f]).Apply(clip, new Random(0));
        wrong.Should().Throw<ArgumentException>().WithMessage("*1 channels*2*");
    }

    [Fact]
    public void Transforms_reject_tensors_that_are_not_clips()
    {
        using var scope = NewDisposeScope();
        var act = () => new RandomHorizontalFlip().Apply(zeros(3, 4, 4), new Random(0));
        act.Should().Throw<ArgumentException>().WithMessage("*4-D*[3, 4, 4]*");
    }
}
