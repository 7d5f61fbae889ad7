using FluentAssertions;
using VideoTransformers.Data.Loading;
using VideoTransformers.Training.Distributed;
using VideoTransformers.Training.Tests.Support;
using Xunit;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VideoTransformers.Training.Tests.Distributed;

public class ShardedBatchSourceTests
{
    [Theory]
    [InlineData(8, 2)]
    [InlineData(5, 2)]
    [InlineData(7, 3)]
    [InlineData(2, 4)]
    [InlineData(0, 3)]
    public void Slices_cover_the_batch_in_rank_order_and_differ_in_size_by_at_most_one(int batch, int world)
    {
        var slices = Enumerable.Range(0, world).Select(r => ShardedBatchSource.SliceOf(batch, r, world)).ToList();
        var next = 0;
        foreach (var (start, count) in slices)
        {
            start.Should().Be(next);
            next += count;
        }
        next.Should().Be(batch);
        (slices.Max(s => s.Count) - slices.Min(s => s.Count)).Should().BeLessThanOrEqualTo(1);
        slices.Select(s => s.Count).Should().BeInDescendingOrder();
    }

    [Fact]
    public void The_shards_of_every_batch_put_back_together_are_the_global_batch()
    {
        // 11 samples in batches of 4: 4, 4, 3, split over 3 ranks as 2/1/1, 2/1/1, 1/1/1.
        using var inputs = arange(0, 11 * 2, dtype: float32).reshape(11, 2);
        using var labels = arange(0, 11).remainder(3);
        using var source = new TensorBatchSource(inputs, labels, 4, ["a", "b", "c"], shuffle: true, seed: 5);
        var shards = Enumerable.Range(0, 3).Select(r => new ShardedBatchSource(source, r, 3)).ToList();
        shards.Should().AllSatisfy(s =>
        {
            s.BatchCount.Should().Be(3);
            s.ClassNames.Should().Equal("a", "b", "c");
            s.SampleCount.Should().Be(11);
        });

        for (var epoch = 0; epoch < 2; epoch++)
        {
            var global = source.GetBatches(epoch).ToList();
            var perRank = shards.Select(s => s.GetBatches(epoch).ToList()).ToList();
            try
            {
                for (var b = 0; b < global.Count; b++)
                {
                    var parts = perRank.Select(r => r[b]).ToList();
                    parts.SelectMany(p => p.Indices).Should().Equal(global[b].Indices);
                    parts.Select(p => p.Size).Should().Equal(b < 2 ? new[] { 2, 1, 1 } : new[] { 1, 1, 1 });
                    using var x = cat(parts.Select(p => p.Inputs).ToList());
                    using var y = cat(parts.Select(p => p.Labels).ToList());
                    x.Identical(global[b].Inputs).Should().BeTrue();
                    y.Identical(global[b].Labels).Should().BeTrue();
                }
            }
            finally
            {
                foreach (var batch in global.Concat(perRank.SelectMany(r => r))) batch.Dispose();
            }
        }
    }

    [Fact]
    public void A_rank_beyond_the_batch_size_gets_an_empty_slice_with_the_right_trailing_shape()
    {
        using var inputs = zeros(3, 2, 5);
        using var labels = zeros([3], int64);
        using var source = new TensorBatchSource(inputs, labels, 3, ["a", "b"], shuffle: false);
        var batch = new ShardedBatchSource(source, 3, 4).GetBatches(0).Single();
        using (batch)
        {
            batch.Size.Should().Be(0);
            batch.Inputs.shape.Should().Equal(0, 2, 5);
            batch.Labels.shape.Should().Equal(0);
        }
    }

    [Fact]
    public void Ranks_outside_the_world_are_rejected()
    {
        using var inputs = zeros(3, 2);
        using var labels = zeros([3], int64);
        using var source = new TensorBatchSource(inputs, labels, 3, ["a", "b"]);
        FluentActions.Invoking(() => new ShardedBatchSource(source, 2, 2)).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => new ShardedBatchSource(source, 0, 0)).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => ShardedBatchSource.SliceOf(4, -1, 2)).Should().Throw<ArgumentOutOfRangeException>();
    }
}
