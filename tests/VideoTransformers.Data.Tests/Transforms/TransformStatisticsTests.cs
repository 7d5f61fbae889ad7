using FluentAssertions;
using VideoTransformers.Data.Transforms;
using Xunit;
using TorchSharp;
using static TorchSharp.torch;

namespace VideoTransformers.Data.Tests.Transforms;

/// <summary>
/// Rates over many seeded draws. The seeds are fixed, so the counts are pinned exactly: a change to how a transform
/// draws (another probability, another number of draws per call) changes the count. Each pinned count is also within
/// three binomial standard deviations of the rate the transform promises, which is what made it credible to pin.
/// </summary>
public class TransformStatisticsTests
{
    private const int Draws = 2000;

    [Fact]
    public void Horizontal_flip_rate_is_one_half()
    {
        using var scope = NewDisposeScope();
        var clip = ClipFactory.Ramp(1, 1, 1, 3);
        var flipped = clip.flip(3);
        var t = new RandomHorizontalFlip();
        var rng = new Random(123);
        int flips = 0;
        for (int i = 0; i < Draws; i++)
        {
            using var inner = NewDisposeScope();
            var y = t.Apply(clip, rng);
            if (y.Equals(flipped)) flips++;
            else y.Equals(clip).Should().BeTrue();
        }
        flips.Should().Be(1026);
        ((double)flips / Draws).Should().BeApproximately(0.5, 3 * Math.Sqrt(0.5 * 0.5 / Draws));
    }

    [Fact]
    public void Temporal_reversal_rate_is_three_tenths()
    {
        using var scope = NewDisposeScope();
        var clip = ClipFactory.Ramp(3, 1, 1, 1);
        var reversed = clip.flip(0);
        var t = new RandomTemporalReversal();
        var rng = new Random(321);
        int hits = 0;
        for (int i = 0; i < Draws; i++)
        {
            using var inner = NewDisposeScope();
            var y = t.Apply(clip, rng);
            if (y.Equals(reversed)) hits++;
            else y.Equals(clip).Should().BeTrue();
        }
        hits.Should().Be(601);
        ((double)hits / Draws).Should().BeApproximately(0.3, 3 * Math.Sqrt(0.3 * 0.7 / Draws));
    }

    [Fact]
    public void Rotation_angles_stay_within_25_degrees_and_are_roughly_uniform()
    {
        var t = new RandomRotation(25);
        var rng = new Random(99);
        var bins = new int[10];
        for (int i = 0; i < Draws; i++)
        {
            double a = t.DrawAngle(rng);
            a.Should().BeInRange(-25, 25);
            bins[Math.Min(9, (int)((a + 25) / 5))]++;
        }
        // 200 expected per 5° bin; a chi-square with 9 degrees of freedom stays below 27.9 with 99.9% probability.
        double chi2 = bins.Sum(b => (b - 200.0) * (b - 200.0) / 200.0);
        chi2.Should().BeLessThan(27.9);
        bins.Should().OnlyContain(b => b > 140 && b < 260);
        bins.Should().Equal(208, 212, 176, 226, 219, 193, 210, 189, 174, 193);
    }

    [Fact]
    public void Same_seed_gives_the_same_augmented_clip_and_other_seeds_differ()
    {
        using var scope = NewDisposeScope();
        var clip = ClipFactory.Random(6, 1, 16, 16, seed: 10);
        var t = new Compose(new RandomTemporalSampling(4, 1), new RandomHorizontalFlip(), new RandomRotation(25), new RandomCrop(12), new RandomTemporalReversal());
        var a = t.Apply(clip, new Random(42));
        var b = t.Apply(clip, new Random(42));
        a.shape.Should().Equal(4, 1, 12, 12);
        a.Equals(b).Should().BeTrue();
        var distinct = Enumerable.Range(0, 5).Count(s => !t.Apply(clip, new Random(1000 + s)).Equals(a));
        distinct.Should().Be(5);
    }

    [Fact]
    public void Compose_frees_its_intermediates()
    {
        var clip = ClipFactory.Random(4, 1, 16, 16, seed: 11).DetachFromDisposeScope();
        try
        {
            var t = TransformPresets.Seed000Spatial();
            using var scope = NewDisposeScope();
            t.Apply(clip, new Random(1));
            scope.DisposablesCount.Should().Be(1, "only the result lands in the caller's scope");
        }
        finally
        {
            clip.Dispose();
        }
    }
}
