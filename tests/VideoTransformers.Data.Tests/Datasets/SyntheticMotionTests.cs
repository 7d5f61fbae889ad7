using FluentAssertions;
using VideoTransformers.Data.Datasets;
using VideoTransformers.Data.Video;
using Xunit;

namespace VideoTransformers.Data.Tests.Datasets;

public class SyntheticMotionTests
{
    private static readonly SyntheticMotionOptions Small = new(SamplesPerClass: 20, Seed: 11);

    [Fact]
    public void Same_seed_gives_identical_bytes_and_another_seed_different_ones()
    {
        var a = new SyntheticMotion(Small);
        var b = new SyntheticMotion(Small);
        var c = new SyntheticMotion(Small with { Seed = 12 });
        for (int i = 0; i < 24; i++)
        {
            var sa = a.GetSample(i);
            sa.Frames.Shape.Should().Equal(16, 32, 32, 1);
            sa.Frames.Data.Should().Equal(b.GetSample(i, new Random(i)).Frames.Data, "the random argument must not matter");
            sa.Label.Should().Be(i % 8);
            sa.Frames.Data.AsSpan().SequenceEqual(c.GetSample(i).Frames.Data).Should().BeFalse();
        }
        a.GetSample(0).Frames.Data.AsSpan().SequenceEqual(a.GetSample(8).Frames.Data).Should().BeFalse("two samples of a class differ");
    }

    [Fact]
    public void Reversed_classes_are_the_forward_process_played_backwards()
    {
        var o = new SyntheticMotionOptions(Frames: 12, Size: 24);
        foreach (var (fwd, rev) in SyntheticMotion.ReversalPairs)
        {
            for (int seed = 0; seed < 5; seed++)
            {
                var forward = SyntheticMotion.GenerateClip(fwd, new Random(seed), o);
                var reversed = SyntheticMotion.GenerateClip(rev, new Random(seed), o);
                forward.Shape.Should().Equal(12, 24, 24, 1);
                reversed.Data.Should().Equal(forward.Reversed().Data, $"{SyntheticMotion.AllClassNames[rev]} = reversed {SyntheticMotion.AllClassNames[fwd]}");
                reversed.Data.AsSpan().SequenceEqual(forward.Data).Should().BeFalse("the clip moves, so reversing changes it");
            }
        }
        SyntheticMotion.ReversalPairs.Select(p => (SyntheticMotion.AllClassNames[p.Forward], SyntheticMotion.AllClassNames[p.Reversed]))
            .Should().Equal(("left", "right"), ("up", "down"), ("grow", "shrink"), ("rotate_cw", "rotate_ccw"));
    }

    [Fact]
    public void Motion_goes_the_way_the_class_says()
    {
        var ds = new SyntheticMotion(Small);
        for (int i = 0; i < 6 * 8; i++)
        {
            var s = ds.GetSample(i);
            var f = s.Frames;
            var (x0, y0, m0) = Blob(f, 0);
            var (x1, y1, m1) = Blob(f, f.Frames - 1);
            string name = ds.ClassNames[s.Label];
            switch (name)
            {
                case "left": (x1 - x0).Should().BeLessThan(-3, $"sample {i}"); Math.Abs(y1 - y0).Should().BeLessThan(1.5); break;
                case "right": (x1 - x0).Should().BeGreaterThan(3, $"sample {i}"); Math.Abs(y1 - y0).Should().BeLessThan(1.5); break;
                case "up": (y1 - y0).Should().BeLessThan(-3, $"sample {i}"); Math.Abs(x1 - x0).Should().BeLessThan(1.5); break;
                case "down": (y1 - y0).Should().BeGreaterThan(3, $"sample {i}"); Math.Abs(x1 - x0).Should().BeLessThan(1.5); break;
                case "grow": ((double)m1).Should().BeGreaterThan(m0 * 1.5, $"sample {i}"); break;
                case "shrink": ((double)m0).Should().BeGreaterThan(m1 * 1.5, $"sample {i}"); break;
                default:
                    // Rotation about a fixed centre: the blob stays put and keeps its size.
                    Math.Abs(x1 - x0).Should().BeLessThan(1.5);
                    ((double)m1 / m0).Should().BeInRange(0.7, 1.4);
                    Mad(f.Frame(0), f.Frame(f.Frames - 1)).Should().BeGreaterThan(5, $"sample {i} rotates");
                    break;
            }
        }
    }

    [Fact]
    public void Classes_and_splits_are_balanced_and_disjoint()
    {
        var ds = new SyntheticMotion(Small);
        ds.Count.Should().Be(160);
        Enumerable.Range(0, ds.Count).GroupBy(ds.GetLabel).Should().HaveCount(8).And.OnlyContain(g => g.Count() == 20);
        var parts = new[] { DatasetSplit.Train, DatasetSplit.Validation, DatasetSplit.Test }.Select(ds.SplitIndices).ToList();
        parts.Select(p => p.Count).Should().Equal(14 * 8, 3 * 8, 3 * 8);
        parts.SelectMany(p => p).Order().Should().Equal(Enumerable.Range(0, 160));
        foreach (var p in parts)
            p.GroupBy(ds.GetLabel).Should().HaveCount(8).And.OnlyContain(g => g.Count() == p.Count / 8);
        var test = ds.Split(DatasetSplit.Test);
        test.GetSample(0).Frames.Data.Should().Equal(ds.GetSample(parts[2][0]).Frames.Data);
    }

    [Fact]
    public void Options_are_validated_and_shape_is_configurable()
    {
        new SyntheticMotion(new SyntheticMotionOptions(SamplesPerClass: 1, Frames: 10, Size: 20)).GetSample(7).Frames.Shape.Should().Equal(10, 20, 20, 1);
        ((Action)(() => new SyntheticMotion(new SyntheticMotionOptions(Frames: 1)))).Should().Throw<ArgumentOutOfRangeException>();
        ((Action)(() => new SyntheticMotion(new SyntheticMotionOptions(ValidationFraction: 0.6, TestFraction: 0.5)))).Should().Throw<ArgumentOutOfRangeException>();
    }

    private static (double X, double Y, int Mass) Blob(VideoFrames f, int t)
    {
        var frame = f.Frame(t);
        double sx = 0, sy = 0;
        int n = 0;
        for (int y = 0; y < f.Height; y++)
        for (int x = 0; x < f.Width; x++)
        {
            if (frame[y * f.Width + x] <= 100) continue;
            sx += x;
            sy += y;
            n++;
        }
        n.Should().BeGreaterThan(0);
        return (sx / n, sy / n, n);
    }

    private static double Mad(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        long s = 0;
        for (int i = 0; i < a.Length; i++) s += Math.Abs(a[i] - b[i]);
        return (double)s / a.Length;
    }
}
