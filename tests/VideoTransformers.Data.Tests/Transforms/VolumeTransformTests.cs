using FluentAssertions;
using VideoTransformers.Data.Transforms;
using Xunit;
using TorchSharp;
using static TorchSharp.torch;

namespace VideoTransformers.Data.Tests.Transforms;

public class VolumeTransformTests
{
    [Fact]
    public void Volume_flip_flips_exactly_the_drawn_axes()
    {
        using var scope = NewDisposeScope();
        var volume = ClipFactory.Ramp(4, 1, 4, 4);
        var flip = new RandomVolumeFlip(0.5);
        var seen = new HashSet<string>();
        for (int seed = 0; seed < 200; seed++)
        {
            var axes = flip.DrawAxes(new Random(seed));
            var expected = axes.Length == 0 ? volume : volume.flip(axes);
            flip.Apply(volume, new Random(seed)).Equals(expected).Should().BeTrue();
            seen.Add(string.Join(",", axes));
        }
        seen.Should().HaveCount(8, "every subset of {D, H, W} occurs");
        new RandomVolumeFlip(1.0).Apply(volume, new Random(0)).Equals(volume.flip(0, 2, 3)).Should().BeTrue();
    }

    [Fact]
    public void Rotate90_matches_quarter_turns_built_from_transposes()
    {
        using var scope = NewDisposeScope();
        var v = ClipFactory.Ramp(5, 1, 5, 5);
        // One quarter turn in H-W: out[y, x] = in[x, W-1-y].
        var q = RandomRotate90.Rotate(v, VolumePlane.HeightWidth, 1);
        q[2][0][1][3].ToSingle().Should().Be(v[2][0][3][3].ToSingle());
        q[2][0][0][4].ToSingle().Should().Be(v[2][0][4][4].ToSingle());
        q.Equals(v.transpose(2, 3).flip(2)).Should().BeTrue();
        foreach (var plane in Enum.GetValues<VolumePlane>())
        {
            var once = RandomRotate90.Rotate(v, plane, 1);
            once.Equals(v).Should().BeFalse();
            RandomRotate90.Rotate(once, plane, 3).Equals(v).Should().BeTrue("four quarter turns are the identity");
            RandomRotate90.Rotate(RandomRotate90.Rotate(v, plane, 1), plane, 1).Equals(RandomRotate90.Rotate(v, plane, 2)).Should().BeTrue();
            RandomRotate90.Rotate(v, plane, 0).Equals(v).Should().BeTrue();
        }
    }

    [Fact]
    public void Rotate90_draws_planes_and_turns_uniformly_and_rejects_non_cubic_planes()
    {
        using var scope = NewDisposeScope();
        var rot = new RandomRotate90();
        var counts = new int[3, 4];
        for (int seed = 0; seed < 1200; seed++)
        {
            var (plane, k) = rot.Draw(new Random(seed));
            counts[(int)plane, k]++;
        }
        foreach (var c in counts) c.Should().BeInRange(60, 140, "each of 12 outcomes has probability 1/12 (100 expected)");

        var flat = zeros(4, 1, 8, 8);
        var act = () => RandomRotate90.Rotate(flat, VolumePlane.DepthHeight, 1);
        act.Should().Throw<ArgumentException>().WithMessage("*DepthHeight*[4, 1, 8, 8]*");
        RandomRotate90.Rotate(flat, VolumePlane.HeightWidth, 1).shape.Should().Equal(4, 1, 8, 8);
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void Every_random_transform_rejects_a_probability_outside_0_to_1_naming_p(double p)
    {
        foreach (var make in new Func<ClipTransform>[] { () => new RandomVolumeFlip(p), () => new RandomHorizontalFlip(p), () => new RandomTemporalReversal(p) })
            make.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("p");
    }
}
