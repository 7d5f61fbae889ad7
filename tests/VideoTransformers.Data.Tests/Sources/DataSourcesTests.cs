using FluentAssertions;
using Microsoft.Extensions.Logging.Abstractions;
using VideoTransformers.Data.Datasets;
using VideoTransformers.Data.Sources;
using Xunit;
using static TorchSharp.torch;

namespace VideoTransformers.Data.Tests.Sources;

public class DataSourcesTests
{
    [Fact]
    public void The_synthetic_set_gives_three_loaders_of_the_asked_clip_geometry()
    {
        // 12 frames every 2nd = 6 frames of 24x24, where the set's defaults are 16 frames of 32x32.
        var options = new DataOptions { BatchSize = 4, Seed = 5, SyntheticSamplesPerClass = 4, Augment = false, ClipWindow = 12, ClipStride = 2, FrameHeight = 24 };

        using var data = DataSources.Build("synthetic", null, options, NullLogger.Instance);

        var expected = new SyntheticMotion(new SyntheticMotionOptions(SamplesPerClass: 4, Seed: 5, Frames: 6, Size: 24));
        data.Name.Should().Be("synthetic");
        data.ClassNames.Should().Equal(expected.ClassNames);
        data.SampleShape.Should().Equal(6, 1, 24, 24);
        data.Validation.Should().NotBeNull();
        data.Test.Should().NotBeNull();
        data.TestDataset!.GetSample(0).Frames.Data.Should().Equal(expected.Split(DatasetSplit.Test).GetSample(0).Frames.Data,
            "the test split is the one the synthetic set makes from the data seed");
        var total = data.Train.SampleCount + data.Validation!.SampleCount + data.Test!.SampleCount;
        total.Should().Be(expected.Count);
        using var scope = NewDisposeScope();
        using var batch = data.Train.GetBatches(0).First();
        batch.Inputs.shape.Should().Equal(4, 6, 1, 24, 24);
    }

    [Theory]
    [InlineData("kth", "a folder of KTH clips")]
    [InlineData("ucf101", "UCF-101/ and ucfTrainTestlist/")]
    [InlineData("medmnist3d", "*mnist3d.npz")]
    public void A_dataset_that_reads_files_without_a_path_is_refused_saying_what_it_reads(string dataset, string reads)
    {
        var act = () => DataSources.Build(dataset, null, new DataOptions(), NullLogger.Instance);

        act.Should().Throw<ArgumentException>().WithMessage($"*{dataset}*{reads}*").Which.ParamName.Should().Be("path");
    }

    [Fact]
    public void An_unknown_dataset_is_refused_with_the_known_names()
    {
        var act = () => DataSources.Build("imagenet", "/nowhere", new DataOptions(), NullLogger.Instance);

        act.Should().Throw<ArgumentException>().WithMessage("*'imagenet'*synthetic|kth|ucf101|medmnist3d*");
    }

    [Fact]
    public void Kth_splits_parse_and_bad_ones_are_refused_naming_them()
    {
        DataSources.ParseKthSplit("seed").Should().BeSameAs(KthSplit.Seed);
        DataSources.ParseKthSplit("schuldt").Should().BeSameAs(KthSplit.Schuldt);
        var custom = DataSources.ParseKthSplit("custom:1,3//4");
        (custom.Train, custom.Validation, custom.Test).Should().BeEquivalentTo((new[] { 1, 3 }, Array.Empty<int>(), new[] { 4 }));

        foreach (var bad in new[] { "random", "custom:1,3/4", "custom:1,x//4" })
            FluentActions.Invoking(() => DataSources.ParseKthSplit(bad)).Should().Throw<ArgumentException>().WithMessage($"*'{bad}'*");
    }
}
