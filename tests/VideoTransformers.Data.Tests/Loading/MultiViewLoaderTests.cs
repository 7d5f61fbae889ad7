using FluentAssertions;
using VideoTransformers.Data.Loading;
using VideoTransformers.Data.Transforms;
using Xunit;
using TorchSharp;
using static TorchSharp.torch;

namespace VideoTransformers.Data.Tests.Loading;

public class MultiViewLoaderTests
{
    [Fact]
    public void Every_video_gives_clips_times_crops_rows_tagged_with_its_index()
    {
        var ds = new FakeVideoDataset(5, classes: 3, frames: 20, size: 12);
        using var loader = MultiViewLoader.Create(ds, clips: 4, frames: 5, stride: 2, crops: 3, cropSize: 8, new MultiViewOptions(BatchSize: 2));
        loader.ViewsPerVideo.Should().Be(12);
        loader.BatchCount.Should().Be(3);
        loader.SampleCount.Should().Be(60);
        var batches = LoaderAssertions.Collect(loader, 0);
        batches.Select(b => b.Shape[0]).Should().Equal(24, 24, 12);
        batches[0].Shape.Should().Equal(24, 5, 1, 8, 8);
        var videos = batches.SelectMany(b => b.Indices).ToArray();
        videos.Should().Equal(Enumerable.Range(0, 5).SelectMany(v => Enumerable.Repeat(v, 12)));
        batches.SelectMany(b => b.Labels).Should().Equal(videos.Select(v => (long)(v % 3)));
    }

    [Fact]
    public void Views_are_the_uniform_clips_and_crops_of_the_video()
    {
        var ds = new FakeVideoDataset(2, frames: 20, size: 8);
        var temporal = new UniformTemporalClips(3, 4, 2);
        var spatial = new ThreeCrop(6);
        using var loader = new MultiViewLoader(ds, temporal, spatial, new MultiViewOptions(1));
        using var scope = NewDisposeScope();
        var clip = ClipTensors.FromFrames(ds.GetSample(1).Frames);
        var expected = temporal.Apply(clip).SelectMany(spatial.Apply).ToArray();
        var views = loader.GetViews(1);
        views.shape.Should().Equal(9, 4, 1, 6, 6);
        for (int i = 0; i < 9; i++) views[i].Equals(expected[i]).Should().BeTrue();
        using var batch = loader.GetBatches(0).Last();
        batch.Inputs.Equals(views).Should().BeTrue();
    }

    [Fact]
    public void Workers_and_epochs_do_not_change_the_views()
    {
        var ds = new FakeVideoDataset(7, frames: 16, size: 10);
        using var serial = MultiViewLoader.Create(ds, 2, 4, 3, 1, 8, new MultiViewOptions(3), new Normalize([0.5f], [0.2f]));
        using var parallel = MultiViewLoader.Create(ds, 2, 4, 3, 1, 8, new MultiViewOptions(3, Workers: 2), new Normalize([0.5f], [0.2f]));
        var a = LoaderAssertions.Collect(serial, 0);
        a.ShouldBeIdentical(LoaderAssertions.Collect(parallel, 0));
        a.ShouldBeIdentical(LoaderAssertions.Collect(serial, 5));
    }

    [Fact]
    public void A_failing_video_names_its_index()
    {
        var ds = new FakeVideoDataset(4, frames: 8) { FailAt = 3 };
        using var loader = MultiViewLoader.Create(ds, 1, 4, 1, 1, 8, new MultiViewOptions(2, Workers: 1));
        var act = () => LoaderAssertions.Collect(loader, 0);
        act.Should().Throw<DataLoaderException>().Where(e => e.SampleIndex == 3 && e.BatchIndex == 1);
    }

    [Fact]
    public void Crops_must_be_one_or_three()
    {
        var act = () => MultiViewLoader.Create(new FakeVideoDataset(1), 1, 4, 1, 2, 8);
        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*1*3*");
    }
}
