using FluentAssertions;
using VideoTransformers.Data.Transforms;
using Xunit;
using TorchSharp;
using static TorchSharp.torch;

namespace VideoTransformers.Data.Tests.Transforms;

public class TestTimeTransformTests
{
    [Fact]
    public void Three_crop_spreads_along_the_long_side()
    {
        using var scope = NewDisposeScope();
        var tc = new ThreeCrop(4);
        tc.Offsets(6, 12).Should().Equal((1, 0), (1, 4), (1, 8));
        tc.Offsets(12, 6).Should().Equal((0, 1), (4, 1), (8, 1));
        tc.Offsets(4, 4).Should().Equal((0, 0), (0, 0), (0, 0));

        var clip = ClipFactory.Ramp(2, 1, 6, 12);
        var views = tc.Apply(clip);
        views.Should().HaveCount(3);
        views[0].Equals(clip.narrow(2, 1, 4).narrow(3, 0, 4)).Should().BeTrue();
        views[1].Equals(clip.narrow(2, 1, 4).narrow(3, 4, 4)).Should().BeTrue();
        views[2].Equals(clip.narrow(2, 1, 4).narrow(3, 8, 4)).Should().BeTrue();
        var act = () => tc.Apply(ClipFactory.Ramp(1, 1, 3, 12));
        act.Should().Throw<ArgumentException>().WithMessage("*4x4*3x12*");
    }

    [Fact]
    public void Uniform_clips_span_the_video_evenly()
    {
        using var scope = NewDisposeScope();
        var u = new UniformTemporalClips(clips: 4, frames: 4, stride: 2);
        u.Starts(37).Should().Equal(0, 10, 20, 30);
        u.Indices(37)[3].Should().Equal(30, 32, 34, 36);
        new UniformTemporalClips(1, 4, 2).Starts(37).Should().Equal(15);
        // Shorter than one window: every clip starts at 0 and repeats the last frame.
        u.Indices(5).Should().AllSatisfy(i => i.Should().Equal(0, 2, 4, 4));

        var clip = ClipFactory.Ramp(37, 1, 1, 1);
        var views = u.Apply(clip);
        views.Should().HaveCount(4);
        views.Select(v => v.reshape(-1).data<float>().ToArray()).Should().SatisfyRespectively(
            a => a.Should().Equal(0, 2, 4, 6),
            a => a.Should().Equal(10, 12, 14, 16),
            a => a.Should().Equal(20, 22, 24, 26),
            a => a.Should().Equal(30, 32, 34, 36));
    }

    [Fact]
    public void Single_view_wraps_a_centre_crop()
    {
        using var scope = NewDisposeScope();
        var clip = ClipFactory.Ramp(2, 1, 8, 8);
        var view = new SingleView(new CenterCrop(4)).Apply(clip);
        view.Should().ContainSingle().Which.Equals(clip.narrow(2, 2, 4).narrow(3, 2, 4)).Should().BeTrue();
        new SingleView().Apply(clip)[0].Equals(clip).Should().BeTrue();
    }
}
