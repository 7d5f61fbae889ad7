using FluentAssertions;
using VideoTransformers.Data.Transforms;
using Xunit;
using TorchSharp;
using static TorchSharp.torch;

namespace VideoTransformers.Data.Tests.Transforms;

public class TemporalTransformTests
{
    [Fact]
    public void Reversal_with_p1_plays_the_clip_backwards()
    {
        using var scope = NewDisposeScope();
        var clip = ClipFactory.Ramp(5, 1, 2, 2);
        var r = new RandomTemporalReversal(1.0).Apply(clip, new Random(0));
        r.Equals(clip.flip(0)).Should().BeTrue();
        for (int t = 0; t < 5; t++) r[t].Equals(clip[4 - t]).Should().BeTrue();
        new RandomTemporalReversal(0.0).Apply(clip, new Random(0)).Equals(clip).Should().BeTrue();
    }

    [Fact]
    public void Temporal_sampling_takes_a_strided_window_inside_the_clip()
    {
        using var scope = NewDisposeScope();
        // Frame t of the ramp holds values starting at t * 4, so frame identity can be read off one element.
        var clip = ClipFactory.Ramp(40, 1, 2, 2);
        var sampler = new RandomTemporalSampling(frames: 8, stride: 3);
        sampler.Span.Should().Be(22);
        var starts = new HashSet<int>();
        for (int seed = 0; seed < 100; seed++)
        {
            var idx = sampler.DrawIndices(40, new Random(seed));
            idx.Should().HaveCount(8);
            idx.Zip(idx.Skip(1), (a, b) => b - a).Should().OnlyContain(d => d == 3);
            idx[0].Should().BeInRange(0, 40 - 22);
            starts.Add(idx[0]);

            var c = sampler.Apply(clip, new Random(seed));
            c.shape.Should().Equal(8, 1, 2, 2);
            var frames = Enumerable.Range(0, 8).Select(k => (int)c[k][0][0][0].ToSingle() / 4).ToArray();
            frames.Should().Equal(idx);
        }
        starts.Count.Should().BeGreaterThan(10);
    }

    [Fact]
    public void Temporal_sampling_pads_short_clips_by_repeating_the_last_frame()
    {
        using var scope = NewDisposeScope();
        var clip = ClipFactory.Ramp(7, 1, 1, 1);
        var sampler = new RandomTemporalSampling(frames: 5, stride: 2);
        sampler.DrawIndices(7, new Random(0)).Should().Equal(0, 2, 4, 6, 6);
        var c = sampler.Apply(clip, new Random(0));
        c.reshape(-1).data<float>().Should().Equal(0, 2, 4, 6, 6);
    }
}
