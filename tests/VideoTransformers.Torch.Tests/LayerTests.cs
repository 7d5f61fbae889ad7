using FluentAssertions;
using Xunit;
using TorchSharp;
using static TorchSharp.torch;

namespace VideoTransformers.Torch.Tests;

/// <summary>parameter_count and Shapes.Format, the small pieces of the layer over TorchSharp.</summary>
public class LayerTests
{
    [Fact]
    public void Parameter_count_counts_elements_of_trainable_parameters_and_optionally_frozen_ones()
    {
        using var net = nn.Sequential(nn.Linear(4, 3), nn.LayerNorm(3), nn.BatchNorm1d(3), nn.Linear(3, 2, hasBias: false));
        // 4*3+3, 3+3, 3+3 (the batch norm's running statistics are buffers, not parameters), 3*2.
        const long all = 15 + 6 + 6 + 6;
        net.parameter_count().Should().Be(all);
        net.parameter_count(trainable_only: false).Should().Be(all);

        foreach (var p in ((nn.Module)net).named_parameters().Where(kv => kv.name.StartsWith("0.", StringComparison.Ordinal)).Select(kv => kv.parameter))
            p.requires_grad = false;
        net.parameter_count().Should().Be(all - 15);
        net.parameter_count(trainable_only: false).Should().Be(all);
    }

    [Fact]
    public void Parameter_count_of_a_module_without_parameters_is_zero()
    {
        using var relu = nn.ReLU();
        relu.parameter_count().Should().Be(0);
    }

    [Theory]
    [InlineData(new long[] { }, "[]")]
    [InlineData(new long[] { 0 }, "[0]")]
    [InlineData(new long[] { 2, 3, 4 }, "[2, 3, 4]")]
    [InlineData(new long[] { long.MaxValue, -1 }, "[9223372036854775807, -1]")]
    public void Shapes_are_formatted_like_pytorchs_sizes(long[] shape, string expected)
    {
        Shapes.Format(shape).Should().Be(expected);
        Shapes.Format(shape.AsSpan()).Should().Be(expected);
    }

    [Fact]
    public void Shapes_format_ignores_the_current_culture()
    {
        var saved = System.Globalization.CultureInfo.CurrentCulture;
        try
        {
            System.Globalization.CultureInfo.CurrentCulture = new System.Globalization.CultureInfo("ar-SA");
            Shapes.Format([1234567, 8]).Should().Be("[1234567, 8]");
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentCulture = saved;
        }
    }
}
