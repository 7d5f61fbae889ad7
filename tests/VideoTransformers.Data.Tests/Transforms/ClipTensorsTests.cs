using FluentAssertions;
using VideoTransformers.Data.Transforms;
using VideoTransformers.Data.Video;
using Xunit;
using TorchSharp;
using static TorchSharp.torch;

namespace VideoTransformers.Data.Tests.Transforms;

public class ClipTensorsTests
{
    [Fact]
    public void Frames_round_trip_through_a_float_clip()
    {
        // Two RGB frames of 2x3 whose bytes all differ, so a wrong permutation or channel order shows.
        var bytes = Enumerable.Range(0, 2 * 2 * 3 * 3).Select(i => (byte)(i * 7 % 256)).ToArray();
        var frames = new VideoFrames(bytes, 2, 2, 3, 3);
        using var scope = NewDisposeScope();
        var clip = ClipTensors.FromFrames(frames);
        clip.shape.Should().Equal(2, 3, 2, 3);
        clip.dtype.Should().Be(float32);
        // [T, H, W, C] byte (t=1, y=0, x=2, c=1) is clip element (t=1, c=1, y=0, x=2).
        clip[1][1][0][2].ToSingle().Should().Be(bytes[((1 * 2 + 0) * 3 + 2) * 3 + 1] / 255f);
        var back = ClipTensors.ToFrames(clip);
        back.Shape.Should().Equal(2, 2, 3, 3);
        back.Data.Should().Equal(bytes);
    }

    [Fact]
    public void A_clip_without_frames_converts_both_ways()
    {
        var frames = new VideoFrames([], 0, 4, 5, 1);
        using var scope = NewDisposeScope();
        var clip = ClipTensors.FromFrames(frames);
        clip.shape.Should().Equal(0, 1, 4, 5);
        var back = ClipTensors.ToFrames(clip);
        back.Shape.Should().Equal(0, 4, 5, 1);
        back.Data.Should().BeEmpty();
    }

    [Fact]
    public void Values_outside_the_unit_range_are_clamped_and_rounded()
    {
        using var scope = NewDisposeScope();
        var clip = tensor(new float[] { -0.5f, 0.4f / 255, 1.6f / 255, 2f }, [4, 1, 1, 1]);
        // 0.4 and 1.6 levels round to 0 and 2; out-of-range values clamp to 0 and 255.
        ClipTensors.ToFrames(clip).Data.Should().Equal(0, 0, 2, 255);
    }
}
