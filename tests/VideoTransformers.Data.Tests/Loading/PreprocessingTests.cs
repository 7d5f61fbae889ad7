using FluentAssertions;
using VideoTransformers.Data.Datasets;
using VideoTransformers.Data.Loading;
using VideoTransformers.Data.Transforms;
using Xunit;
using TorchSharp;
using static TorchSharp.torch;

namespace VideoTransformers.Data.Tests.Loading;

public class PreprocessingTests
{
    /// <summary>IProgress&lt;T&gt; posts to the thread pool; this one records synchronously, in order.</summary>
    private sealed class Recorder : IProgress<(int Done, int Total)>
    {
        public List<(int Done, int Total)> Reports { get; } = [];
        public void Report((int Done, int Total) value) => Reports.Add(value);
    }

    [SkippableFact]
    public void Builds_a_kth_frame_cache_with_progress_and_loads_batches_from_it()
    {
        var layout = KthLayout.Discover(TestFiles.KthDir);
        var options = new KthSamplingOptions();
        using var dir = new TempDir();
        var progress = new Recorder();
        using (var cache = Preprocessing.BuildKthFrameCache(layout.Clips, options, dir.Path, progress))
        {
            cache.WasBuilt.Should().BeTrue();
            cache.Count.Should().Be(layout.Clips.Count);
        }
        progress.Reports.Should().Equal(Enumerable.Range(1, layout.Clips.Count).Select(i => (i, layout.Clips.Count)));

        var again = new Recorder();
        using var warm = Preprocessing.BuildKthFrameCache(layout.Clips, options, dir.Path, again);
        warm.WasBuilt.Should().BeFalse();
        again.Reports.Should().BeEmpty();

        var ds = new KthDataset(layout.Clips, options, cache: warm);
        using var loader = new DataLoader(ds, new DataLoaderOptions(4, Workers: 1), TransformPresets.Seed000Spatial());
        var batches = LoaderAssertions.Collect(loader, 0);
        batches.Sum(b => b.Indices.Length).Should().Be(layout.Clips.Count);
        batches[0].Shape.Should().Equal(4, 10, 1, 64, 64);
        batches.SelectMany(b => b.Labels).Should().BeEquivalentTo(batches.SelectMany(b => b.Indices).Select(i => (long)ds.GetLabel(i)));
    }

    [Fact]
    public void Materialize_stacks_a_whole_dataset_with_progress()
    {
        var ds = new FakeVideoDataset(5, frames: 6, size: 8);
        var progress = new Recorder();
        var (x, y) = Preprocessing.Materialize(ds, new CenterCrop(4), progress: progress);
        using (x)
        using (y)
        {
            x.shape.Should().Equal(5, 6, 1, 4, 4);
            y.data<long>().Should().Equal(0, 1, 2, 0, 1);
            progress.Reports.Should().Equal((1, 5), (2, 5), (3, 5), (4, 5), (5, 5));
            using var scope = NewDisposeScope();
            x[3].Equals(ClipTensors.FromFrames(ds.GetSample(3).Frames).narrow(2, 2, 4).narrow(3, 2, 4)).Should().BeTrue();
            using var source = new TensorBatchSource(x, y, 2, ds.ClassNames, shuffle: false);
            source.BatchCount.Should().Be(3);
        }
    }

    [Fact]
    public void Materialize_names_a_failing_sample()
    {
        var ds = new FakeVideoDataset(5) { FailAt = 4 };
        var act = () => Preprocessing.Materialize(ds);
        act.Should().Throw<DataLoaderException>().Where(e => e.SampleIndex == 4);
    }
}
