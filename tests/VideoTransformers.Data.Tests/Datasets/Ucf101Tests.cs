using FluentAssertions;
using Microsoft.Extensions.Logging;
using VideoTransformers.Data.Datasets;
using VideoTransformers.Data.Video;
using VideoTransformers.TestSupport;
using Xunit;

namespace VideoTransformers.Data.Tests.Datasets;

public sealed class Ucf101Tests : IDisposable
{
    private readonly TempDir _tmp = new();

    public void Dispose() => _tmp.Dispose();

    private (string Videos, string Lists) MakeLayout(string train, string test)
    {
        var videos = Path.Combine(_tmp.Path, "UCF-101");
        var lists = Path.Combine(_tmp.Path, "ucfTrainTestlist");
        var classDir = Directory.CreateDirectory(Path.Combine(videos, "SoccerJuggling")).FullName;
        Directory.CreateDirectory(lists);
        foreach (var clip in TestFiles.Clips("ucf101", "v_SoccerJuggling_*.avi"))
            File.CreateSymbolicLink(Path.Combine(classDir, Path.GetFileName(clip)), clip);
        // 101 classes with SoccerJuggling at its official 1-based index 84.
        File.WriteAllLines(Path.Combine(lists, "classInd.txt"), Enumerable.Range(1, 101).Select(i => $"{i} {(i == 84 ? "SoccerJuggling" : $"Class{i:D3}")}"));
        File.WriteAllText(Path.Combine(lists, "trainlist01.txt"), train);
        File.WriteAllText(Path.Combine(lists, "testlist01.txt"), test);
        return (videos, lists);
    }

    [SkippableFact]
    public void Builds_train_and_test_clips_from_the_real_layout()
    {
        var (videos, lists) = MakeLayout("SoccerJuggling/v_SoccerJuggling_g23_c01.avi 84\r\n\r\n", "SoccerJuggling/v_SoccerJuggling_g24_c01.avi\n");
        var layout = Ucf101Layout.Load(videos, lists);
        layout.ClassNames.Should().HaveCount(101);
        layout.ClassNames[83].Should().Be("SoccerJuggling");

        var options = new Ucf101ClipOptions(FramesPerClip: 16, StepBetweenClips: 8, Width: 112, Height: 112);
        var train = Ucf101Dataset.Create(layout, 1, DatasetSplit.Train, options);
        train.Videos.Should().ContainSingle().Which.Label.Should().Be(83);
        train.Clips.Metadata[0].FrameCount.Should().Be(240);
        train.Count.Should().Be((240 - 16) / 8 + 1);
        train.Clips.Locate(5).Should().Be((0, 5));
        train.Clips.StartFrame(5).Should().Be(40);
        train.Clips.FrameIndices(5).Should().Equal(Enumerable.Range(40, 16));

        var sample = train.GetSample(5);
        sample.Label.Should().Be(83);
        sample.Frames.Shape.Should().Equal(16, 112, 112, 3);
        using (var reader = VideoReader.Open(train.Videos[0].FilePath))
            sample.Frames.Data.Should().Equal(reader.Decode(40, 16, 1, 112, 112, PixelFormat.Rgb).Data);

        var test = Ucf101Dataset.Create(layout, 1, DatasetSplit.Test, options);
        test.Videos.Should().ContainSingle().Which.RelativePath.Should().Be("SoccerJuggling/v_SoccerJuggling_g24_c01.avi");
        test.Count.Should().Be((251 - 16) / 8 + 1);
        test.GetLabel(test.Count - 1).Should().Be(83, "test labels come from the class folder");
        test.GetSample(test.Count - 1).Frames.Shape.Should().Equal(16, 112, 112, 3);
    }

    [SkippableFact]
    public void Frame_rate_resampling_picks_frames_like_torchvision()
    {
        var (videos, lists) = MakeLayout("SoccerJuggling/v_SoccerJuggling_g23_c01.avi 84", "");
        var layout = Ucf101Layout.Load(videos, lists);
        var ds = Ucf101Dataset.Create(layout, 1, DatasetSplit.Train, new Ucf101ClipOptions(8, 4, FrameRate: 15, Width: 64, Height: 48));
        double fps = ds.Clips.Metadata[0].Fps;
        fps.Should().BeApproximately(29.97, 0.01);
        int resampled = (int)Math.Floor(240 * 15 / fps);
        ds.Count.Should().Be((resampled - 8) / 4 + 1);
        var idx = ds.Clips.FrameIndices(3);
        idx.Should().Equal(Enumerable.Range(12, 8).Select(k => (int)MathF.Floor(k * (float)(fps / 15))));
        ds.GetSample(3).Frames.Shape.Should().Equal(8, 48, 64, 3);
    }

    [Fact]
    public void ResampleIndices_covers_integral_fractional_and_upsampling_cases()
    {
        VideoClips.ResampleIndices(7, 30, null).Should().Equal(0, 1, 2, 3, 4, 5, 6);
        VideoClips.ResampleIndices(7, 30, 15).Should().Equal(0, 2, 4, 6);
        VideoClips.ResampleIndices(4, 25, 50).Should().Equal(0, 0, 1, 1, 2, 2, 3, 3);
        VideoClips.ResampleIndices(10, 25, 10).Should().Equal(0, 2, 5, 7);
    }

    [Fact]
    public void Clip_index_skips_videos_too_short_for_a_clip()
    {
        var meta = new[] { new VideoMetadata(10, 25), new VideoMetadata(3, 25), new VideoMetadata(0, 25), new VideoMetadata(20, 25) };
        var clips = new VideoClips(["a", "b", "c", "d"], 4, 2, null, meta);
        clips.Count.Should().Be(4 + 9);
        clips.Locate(3).Should().Be((0, 3));
        clips.Locate(4).Should().Be((3, 0));
        clips.Locate(12).Should().Be((3, 8));
        clips.FrameIndices(12).Should().Equal(16, 17, 18, 19);
        ((Action)(() => clips.Locate(13))).Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void A_frame_stride_keeps_every_nth_frame_of_a_longer_window()
    {
        // 3 frames, every 4th, span 9; starts 5 apart: a 10-frame video holds one clip (start 5 would need 14), 8 frames none, 21 three.
        var meta = new[] { new VideoMetadata(10, 25), new VideoMetadata(8, 25), new VideoMetadata(21, 25) };
        var clips = new VideoClips(["a", "b", "c"], 3, 5, null, meta, frameStride: 4);

        clips.Span.Should().Be(9);
        clips.Count.Should().Be(1 + 0 + 3);
        clips.FrameIndices(0).Should().Equal(0, 4, 8);
        clips.Locate(3).Should().Be((2, 2));
        clips.FrameIndices(3).Should().Equal(10, 14, 18);
        clips.StartFrame(3).Should().Be(10);
        ((Action)(() => new VideoClips(["a"], 3, 1, null, meta[..1], frameStride: 0))).Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void The_sliced_length_is_one_computation_for_samplers_and_models()
    {
        FrameSlicing.Length(80, 8).Should().Be(10);
        FrameSlicing.Length(81, 8).Should().Be(11);
        FrameSlicing.Length(7L, 8L).Should().Be(1);
        FrameSlicing.Length(long.MaxValue, 1L).Should().Be(long.MaxValue, "no overflow on the way");
        new KthSamplingOptions(ClipLength: 30, Step: 4).Frames.Should().Be(8);
        ((Action)(() => FrameSlicing.Length(10, 0))).Should().Throw<ArgumentOutOfRangeException>();
    }

    [SkippableFact]
    public void Names_are_matched_case_insensitively()
    {
        var (videos, lists) = MakeLayout("soccerjuggling/V_SOCCERJUGGLING_G23_C01.AVI 84", "");
        var v = Ucf101Layout.Load(videos, lists).GetSplit(1, DatasetSplit.Train).Single();
        v.FilePath.Should().EndWith("v_SoccerJuggling_g23_c01.avi");
        File.Exists(v.FilePath).Should().BeTrue();
    }

    [SkippableFact]
    public void Inconsistent_or_missing_entries_are_reported_with_file_and_line()
    {
        var (videos, lists) = MakeLayout("SoccerJuggling/v_SoccerJuggling_g23_c01.avi 5", "SoccerJuggling/v_SoccerJuggling_g99_c01.avi\nNoSuchClass/v_x.avi");
        var layout = Ucf101Layout.Load(videos, lists);
        ((Action)(() => layout.GetSplit(1, DatasetSplit.Train))).Should().Throw<InvalidDataException>()
            .Which.Message.Should().Contain("trainlist01.txt, line 1").And.Contain("disagrees");
        var missing = Path.Combine(videos, "SoccerJuggling", "v_SoccerJuggling_g99_c01.avi");
        ((Action)(() => layout.GetSplit(1, DatasetSplit.Test))).Should().Throw<FileNotFoundException>().Which.Message.Should().Contain(missing);
        ((Action)(() => layout.GetSplit(2, DatasetSplit.Test))).Should().Throw<FileNotFoundException>().Which.Message.Should().Contain("testlist02.txt");
        ((Action)(() => layout.GetSplit(4, DatasetSplit.Test))).Should().Throw<ArgumentOutOfRangeException>();

        var lenient = Ucf101Layout.Load(videos, lists, skipMissingVideos: true);
        ((Action)(() => lenient.GetSplit(1, DatasetSplit.Test))).Should().Throw<InvalidDataException>().Which.Message.Should().Contain("NoSuchClass");
        File.WriteAllText(Path.Combine(lists, "testlist01.txt"), "SoccerJuggling/v_SoccerJuggling_g99_c01.avi\nSoccerJuggling/v_SoccerJuggling_g24_c01.avi");
        var logger = new ListLogger();
        lenient = Ucf101Layout.Load(videos, lists, skipMissingVideos: true, logger: logger);
        lenient.GetSplit(1, DatasetSplit.Test).Should().ContainSingle();
        logger.Entries.Should().ContainSingle(e => e.Level == LogLevel.Warning && e.Message.Contains(missing));
    }

    [SkippableFact]
    public void A_frame_cache_gives_the_clips_decoding_gives_and_opens_no_video()
    {
        var (videos, lists) = MakeLayout("SoccerJuggling/v_SoccerJuggling_g23_c01.avi 84", "SoccerJuggling/v_SoccerJuggling_g24_c01.avi");
        var layout = Ucf101Layout.Load(videos, lists);
        var all = layout.GetSplit(1, DatasetSplit.Train).Concat(layout.GetSplit(1, DatasetSplit.Test)).ToList();
        var dir = Path.Combine(_tmp.Path, "cache");
        // Native rate and a resampled rate with a stride: the cache's frame rates must pick the same frames as the files'.
        foreach (var options in new[]
                 {
                     new Ucf101ClipOptions(FramesPerClip: 16, StepBetweenClips: 24, Width: 112, Height: 112),
                     new Ucf101ClipOptions(FramesPerClip: 4, StepBetweenClips: 7, FrameRate: 15, Width: 112, Height: 112, FrameStride: 3),
                 })
        {
            using var cache = VideoTransformers.Data.Loading.Preprocessing.BuildUcf101FrameCache(all, options, dir);
            cache.Entries.Should().HaveCount(2);
            var onDemand = new Ucf101Dataset(all, layout.ClassNames, options);
            var cached = new Ucf101Dataset(all, layout.ClassNames, options, cache: cache);
            cached.Cache.Should().BeSameAs(cache);
            cached.Count.Should().Be(onDemand.Count).And.BeGreaterThan(10);
            for (int v = 0; v < all.Count; v++)
            {
                cached.Clips.Metadata[v].FrameCount.Should().Be(onDemand.Clips.Metadata[v].FrameCount);
                cached.Clips.Metadata[v].Fps.Should().BeApproximately(onDemand.Clips.Metadata[v].Fps, 1e-3);
            }
            for (int i = 0; i < cached.Count; i++) cached.Clips.FrameIndices(i).Should().Equal(onDemand.Clips.FrameIndices(i));
            // The first and last clip of each video, decoded by ffmpeg on demand, against the slices of the cache.
            foreach (int i in new[] { 0, onDemand.Clips.ClipsInVideo(0) - 1, onDemand.Clips.ClipsInVideo(0), onDemand.Count - 1 })
            {
                var a = onDemand.GetSample(i);
                var b = cached.GetSample(i);
                b.Label.Should().Be(a.Label);
                b.Frames.Shape.Should().Equal(a.Frames.Shape);
                b.Frames.Data.AsSpan().SequenceEqual(a.Frames.Data).Should().BeTrue($"clip {i} must be the same bytes from the cache as from ffmpeg");
            }
        }
        using var reopened = VideoTransformers.Data.Loading.Preprocessing.BuildUcf101FrameCache(all, new Ucf101ClipOptions(Width: 112, Height: 112), dir);
        reopened.WasBuilt.Should().BeFalse("the same videos at the same size reuse the cache");
        // With the videos gone, clips still come from the cache: nothing is probed or decoded.
        foreach (var v in all) File.Delete(v.FilePath);
        var offline = new Ucf101Dataset(all, layout.ClassNames, new Ucf101ClipOptions(Width: 112, Height: 112), cache: reopened);
        offline.GetSample(offline.Count - 1).Frames.Shape.Should().Equal(16, 112, 112, 3);
    }

    [SkippableFact]
    public void The_ucf101_data_source_builds_and_uses_the_frame_cache_only_when_asked()
    {
        MakeLayout("SoccerJuggling/v_SoccerJuggling_g23_c01.avi 84", "SoccerJuggling/v_SoccerJuggling_g24_c01.avi");
        var cacheRoot = Path.Combine(_tmp.Path, "caches");
        var options = new VideoTransformers.Data.Sources.DataOptions { BatchSize = 4, CacheRoot = cacheRoot, Augment = false };
        using (var plain = VideoTransformers.Data.Sources.DataSources.Build("ucf101", _tmp.Path, options, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance))
        {
            ((Ucf101Dataset)plain.TestDataset!).Cache.Should().BeNull();
            Directory.Exists(Path.Combine(cacheRoot, "ucf101")).Should().BeFalse("no cache unless asked: it costs every frame's bytes");
        }
        using var cached = VideoTransformers.Data.Sources.DataSources.Build("ucf101", _tmp.Path, options with { Ucf101FrameCache = true },
            Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        var test = (Ucf101Dataset)cached.TestDataset!;
        test.Cache.Should().NotBeNull();
        test.Cache!.Directory.Should().Be(Path.Combine(cacheRoot, "ucf101", "112x112"));
        test.Cache.Entries.Should().HaveCount(2, "the fold's train and test videos share one cache");
        File.Exists(Path.Combine(test.Cache.Directory, FrameCache.ManifestFileName)).Should().BeTrue();
        var sample = test.GetSample(3);
        using var reader = VideoReader.Open(test.Videos[0].FilePath);
        sample.Frames.Data.Should().Equal(reader.DecodeIndices(test.Clips.FrameIndices(3), 112, 112, PixelFormat.Rgb).Data);
    }

    [SkippableFact]
    public void A_frame_cache_that_cannot_stand_in_for_the_videos_is_refused()
    {
        var (videos, lists) = MakeLayout("SoccerJuggling/v_SoccerJuggling_g23_c01.avi 84", "SoccerJuggling/v_SoccerJuggling_g24_c01.avi");
        var layout = Ucf101Layout.Load(videos, lists);
        var train = layout.GetSplit(1, DatasetSplit.Train);
        var test = layout.GetSplit(1, DatasetSplit.Test);
        var small = new Ucf101ClipOptions(Width: 64, Height: 48);
        using var cache = VideoTransformers.Data.Loading.Preprocessing.BuildUcf101FrameCache(train, small, Path.Combine(_tmp.Path, "cache"));

        ((Action)(() => new Ucf101Dataset(train, layout.ClassNames, small with { Width = 112, Height = 112 }, cache: cache)))
            .Should().Throw<ArgumentException>().Which.Message.Should().Contain("64x48x3").And.Contain("112x112x3");
        ((Action)(() => new Ucf101Dataset(test, layout.ClassNames, small, cache: cache)))
            .Should().Throw<ArgumentException>().Which.Message.Should().Contain("no entry").And.Contain(test[0].FilePath);
        ((Action)(() => new Ucf101Dataset(train, layout.ClassNames, small, [new VideoMetadata(100, 29.97)], cache: cache)))
            .Should().Throw<ArgumentException>().Which.Message.Should().Contain("100 frames").And.Contain("240");
        new Ucf101Dataset(train, layout.ClassNames, small, cache: cache).GetSample(0).Frames.Shape.Should().Equal(16, 48, 64, 3);
    }

    [Fact]
    public void Missing_folders_are_named()
    {
        var nowhere = Path.Combine(_tmp.Path, "nope");
        ((Action)(() => Ucf101Layout.Load(nowhere, _tmp.Path))).Should().Throw<DirectoryNotFoundException>().Which.Message.Should().Contain(nowhere);
        ((Action)(() => Ucf101Layout.Load(_tmp.Path, nowhere))).Should().Throw<DirectoryNotFoundException>().Which.Message.Should().Contain(nowhere);
        ((Action)(() => Ucf101Layout.Load(_tmp.Path, _tmp.Path))).Should().Throw<FileNotFoundException>().Which.Message.Should().Contain("classInd.txt");
    }
}
