using FluentAssertions;
using Microsoft.Extensions.Logging.Abstractions;
using VideoTransformers.Data.Datasets;
using VideoTransformers.Data.Loading;
using VideoTransformers.Data.Sources;
using VideoTransformers.TestSupport;
using VideoTransformers.Training.Configuration;
using Xunit;
using static TorchSharp.torch;

namespace VideoTransformers.Cli.Tests;

/// <summary>A configuration's max_frames, slicing_step and frame size reach the samplers, so the clips fit the configured model.</summary>
public sealed class ClipGeometryTests : IDisposable
{
    // 30 frames every 4th: ceil(30 / 4) = 8 frames, where every default is something else (10, 8 or 16 frames; 64, 112 or 32 pixels).
    private static readonly ModelOptions Model = ConfigLoader.Parse("model_name: frame-vit\nmax_frames: 30\nslicing_step: 4\nimage_size: 48\n").Model;

    private readonly string _dir = Directory.CreateTempSubdirectory("vt-geometry").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private DataOptions Options(string split = "seed") =>
        new DataOptions { BatchSize = 2, Augment = false, KthSplit = split, CacheRoot = _dir }.WithClipGeometry(Model);

    private static void FirstBatchHasShape(IBatchSource source, params long[] sample)
    {
        using var scope = NewDisposeScope();
        using var batch = source.GetBatches(0).First();
        batch.Inputs.shape.Skip(1).Should().Equal(sample);
    }

    [Fact]
    public void The_model_and_the_options_take_one_clip_length()
    {
        Model.Frames.Should().Be(8);
        var o = Options();
        (o.ClipWindow, o.ClipStride, o.FrameHeight, o.FrameWidth).Should().Be((30, 4, 48, 48));
        new KthSamplingOptions(o.ClipWindow!.Value, o.ClipStride!.Value).Frames.Should().Be((int)Model.Frames!.Value);
        // max_frames alone keeps every frame of the window, in the model and in the sampler.
        var alone = new DataOptions().WithClipGeometry(new ModelOptions { MaxFrames = 12 });
        (alone.ClipWindow, alone.ClipStride).Should().Be((12, 1));
        new ModelOptions { MaxFrames = 12 }.Frames.Should().Be(12);
    }

    [SkippableFact]
    public void Kth_clips_follow_the_configured_window_stride_and_size()
    {
        var kth = SharedData.Require("kth");

        using var data = DataSources.Build("kth", kth, Options("custom:1,3//4"), NullLogger.Instance);

        data.SampleShape.Should().Equal(8, 1, 48, 48);
        var test = (KthDataset)data.TestDataset!;
        test.Options.Should().Be(new KthSamplingOptions(ClipLength: 30, Step: 4, Width: 48, Height: 48));
        test.GetSample(0).Frames.Shape.Should().Equal(8, 48, 48, 1);
        FirstBatchHasShape(data.Train, 8, 1, 48, 48);
        Directory.Exists(Path.Combine(_dir, "kth", "48x48")).Should().BeTrue("each frame size has its own cache");
    }

    [SkippableFact]
    public void Ucf101_clips_follow_the_configured_window_stride_and_size()
    {
        var clips = SharedData.Require("ucf101");
        var root = Path.Combine(_dir, "ucf");
        var classDir = Directory.CreateDirectory(Path.Combine(root, "UCF-101", "SoccerJuggling")).FullName;
        var lists = Directory.CreateDirectory(Path.Combine(root, "ucfTrainTestlist")).FullName;
        foreach (var clip in Directory.GetFiles(clips, "v_SoccerJuggling_*.avi"))
            File.CreateSymbolicLink(Path.Combine(classDir, Path.GetFileName(clip)), clip);
        File.WriteAllLines(Path.Combine(lists, "classInd.txt"), ["1 SoccerJuggling", "2 Other"]);
        File.WriteAllText(Path.Combine(lists, "trainlist01.txt"), "SoccerJuggling/v_SoccerJuggling_g23_c01.avi 1\n");
        File.WriteAllText(Path.Combine(lists, "testlist01.txt"), "SoccerJuggling/v_SoccerJuggling_g24_c01.avi\n");

        using var data = DataSources.Build("ucf101", root, Options(), NullLogger.Instance);

        data.SampleShape.Should().Equal(8, 3, 48, 48);
        var test = (Ucf101Dataset)data.TestDataset!;
        test.Clips.FrameIndices(1).Should().Equal(Enumerable.Range(0, 8).Select(k => 32 + 4 * k), "clips of 8 frames every 4th, side by side");
        test.GetSample(1).Frames.Shape.Should().Equal(8, 48, 48, 3);
        FirstBatchHasShape(data.Train, 8, 3, 48, 48);
    }

    [Fact]
    public void Synthetic_clips_have_the_configured_length_and_size()
    {
        using var data = DataSources.Build("synthetic", null, Options() with { SyntheticSamplesPerClass = 4 }, NullLogger.Instance);

        data.SampleShape.Should().Equal(8, 1, 48, 48);
        data.TestDataset!.GetSample(0).Frames.Shape.Should().Equal(8, 48, 48, 1);
        FirstBatchHasShape(data.Train, 8, 1, 48, 48);
        TrainCommand.CheckClipGeometry(Model, data);
    }

    [Fact]
    public void Clips_a_dataset_cannot_cut_are_a_usage_error_naming_both_shapes()
    {
        using var data = DataSources.Build("synthetic", null, Options() with { SyntheticSamplesPerClass = 4 }, NullLogger.Instance);

        var act = () => TrainCommand.CheckClipGeometry(Model with { Channels = 3, MaxFrames = 20 }, data);

        act.Should().Throw<UsageException>().WithMessage(
            "The configuration asks for clips the synthetic data does not give: frames (max_frames / slicing_step) 5, the data 8; channels 3, the data 1 " +
            "(its clips are [8, 1, 48, 48] as [frames, channels, height, width]).");
    }
}
