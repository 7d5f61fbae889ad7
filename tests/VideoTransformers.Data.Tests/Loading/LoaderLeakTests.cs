using FluentAssertions;
using VideoTransformers.Data.Datasets;
using VideoTransformers.Data.Loading;
using VideoTransformers.Data.Transforms;
using VideoTransformers.Torch;
using Xunit;
using TorchSharp;
using static TorchSharp.torch;

namespace VideoTransformers.Data.Tests.Loading;

/// <summary>The live tensor count is process-wide, so these tests run alone, after the parallel ones.</summary>
[CollectionDefinition(nameof(TensorCountCollection), DisableParallelization = true)]
public sealed class TensorCountCollection
{
}

[Collection(nameof(TensorCountCollection))]
public class LoaderLeakTests
{
    public LoaderLeakTests()
    {
        // Tensors other tests dropped without disposing would be finalised mid-test and lower the count.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public void Live_tensor_count_does_not_grow_over_epochs(int workers)
    {
        var ds = new FakeVideoDataset(13);
        var transform = new Compose(new RandomTemporalSampling(4, 2), TransformPresets.Seed000Spatial(), new RandomCrop(6), new Normalize([0.5f], [0.25f]));
        using var loader = new DataLoader(ds, new DataLoaderOptions(4, Workers: workers, Prefetch: 2), transform);
        RunEpoch(loader, 0);
        long after1 = TensorAccounting.LiveTensors;
        for (int epoch = 1; epoch < 4; epoch++) RunEpoch(loader, epoch);
        TensorAccounting.LiveTensors.Should().Be(after1);
    }

    [Fact]
    public void Abandoned_and_failed_epochs_free_their_prefetched_batches()
    {
        var ds = new FakeVideoDataset(40) { FailAt = 30 };
        long before = TensorAccounting.LiveTensors;
        using (var loader = new DataLoader(ds, new DataLoaderOptions(2, Shuffle: false, Workers: 2, Prefetch: 4)))
        {
            foreach (var b in loader.GetBatches(0))
            {
                b.Dispose();
                break;
            }
            var act = () => RunEpoch(loader, 1);
            act.Should().Throw<DataLoaderException>();
        }
        TensorAccounting.LiveTensors.Should().Be(before);
    }

    [Fact]
    public void Multi_view_epochs_do_not_leak()
    {
        var ds = new FakeVideoDataset(5, frames: 12, size: 10);
        using var loader = MultiViewLoader.Create(ds, clips: 2, frames: 4, stride: 2, crops: 3, cropSize: 8, new MultiViewOptions(2, Workers: 1));
        long before = TensorAccounting.LiveTensors;
        RunEpoch(loader, 0);
        RunEpoch(loader, 1);
        TensorAccounting.LiveTensors.Should().Be(before);
    }

    private static void RunEpoch(IBatchSource source, int epoch)
    {
        foreach (var b in source.GetBatches(epoch)) b.Dispose();
    }
}
