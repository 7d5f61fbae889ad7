using FluentAssertions;
using VideoTransformers.Data.Transforms;
using Xunit;
using TorchSharp;
using static TorchSharp.torch;

namespace VideoTransformers.Data.Tests.Transforms;

public class FlipViewsTests
{
    [Fact]
    public void Eight_distinct_flips_that_include_the_original()
    {
        using var scope = NewDisposeScope();
        var v = rand(4, 1, 5, 6);
        var views = new FlipViews().Apply(v);
        views.Should().HaveCount(8);
        views[0].Equals(v).Should().BeTrue();
        views[1].Equals(v.flip(0)).Should().BeTrue();
        views[7].Equals(v.flip(0, 2, 3)).Should().BeTrue();
        for (var i = 0; i < 8; i++)
            for (var j = i + 1; j < 8; j++)
                views[i].Equals(views[j]).Should().BeFalse($"views {i} and {j} differ");
        var act = () => new FlipViews().Apply(rand(2, 3));
        act.Should().Throw<ArgumentException>();
    }
}
