using FluentAssertions;
using VideoTransformers.Torch;
using Xunit;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VideoTransformers.Tests;

/// <summary>Each model must be able to memorise a batch of 8 random clips: a basic check that it can learn at all.</summary>
public class OverfitTests
{
    [Theory]
    [MemberData(nameof(SmallModels.Names), MemberType = typeof(SmallModels))]
    public void Model_overfits_eight_random_clips(string name)
    {
        manual_seed(11);
        using var model = SmallModels.Create(name);
        using var data = NewDisposeScope();
        var x = randn(new[] { 8L }.Concat(model.SampleShape).ToArray());
        var y = tensor(new long[] { 0, 1, 2, 3, 4, 0, 1, 2 }, new long[] { 8 });
        using var opt = optim.Adam(model.parameters(), lr: 3e-3);
        var accuracy = 0.0;
        for (var step = 0; step < 400 && accuracy < 1.0; step++)
        {
            using var scope = NewDisposeScope();
            model.train();
            var loss = nn.functional.cross_entropy(model.forward(x), y);
            opt.zero_grad();
            loss.backward();
            opt.step();
            if (step % 10 == 9)
            {
                model.eval();
                using var _ = no_grad();
                accuracy = model.forward(x).argmax(1).eq(y).to(ScalarType.Float32).mean().ToSingle();
            }
        }
        accuracy.Should().Be(1.0, $"{name} should reach 100% training accuracy on 8 clips within 400 steps");
    }
}
