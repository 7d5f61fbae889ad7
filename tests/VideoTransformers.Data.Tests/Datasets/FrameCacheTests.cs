using FluentAssertions;
using VideoTransformers.Data.Datasets;
using VideoTransformers.Data.Video;
using Xunit;

namespace VideoTransformers.Data.Tests.Datasets;

public sealed class FrameCacheTests : IDisposable
{
    private static readonly VideoDecodeOptions Gray64 = new(64, 64, PixelFormat.Gray);
    private readonly TempDir _tmp = new();

    public void Dispose() => _tmp.Dispose();

    [SkippableFact]
    public void Builds_over_the_real_kth_clips_and_reads_back_what_a_fresh_decode_gives()
    {
        var clips = TestFiles.KthClips();
        var dir = Path.Combine(_tmp.Path, "cache");
        var reports = new List<(int, int)>();
        using (var cache = FrameCache.OpenOrBuild(dir, clips, Gray64, new SyncProgress(reports)))
        {
            cache.WasBuilt.Should().BeTrue();
            cache.Count.Should().Be(clips.Length);
            reports.Should().Equal(Enumerable.Range(1, clips.Length).Select(i => (i, clips.Length)));
            var sequences = KthSequences.Load(TestFiles.KthSequencesFile);
            for (int i = 0; i < clips.Length; i++)
            {
                cache.IndexOf(clips[i]).Should().Be(i);
                var e = cache.Entries[i];
                (e.Frames, e.Height, e.Width, e.Channels).Should().Be((sequences[clips[i]].LastFrame, 64, 64, 1));
                using var reader = VideoReader.Open(clips[i]);
                var fresh = reader.Decode(0, -1, 1, 64, 64, PixelFormat.Gray);
                cache.GetSpan(i).SequenceEqual(fresh.Data).Should().BeTrue(clips[i]);
                var copy = cache.GetFrames(i);
                copy.Shape.Should().Equal(fresh.Shape);
                copy.Data.AsSpan().SequenceEqual(fresh.Data).Should().BeTrue();
                // Chosen frames, in the order asked and repeated: what a dataset cuts a sample with.
                int last = e.Frames - 1, frameBytes = 64 * 64;
                var picked = cache.GetFrames(i, [last, 0, last]);
                picked.Shape.Should().Equal(3, 64, 64, 1);
                picked.Data.AsSpan(0, frameBytes).SequenceEqual(fresh.Data.AsSpan(last * frameBytes, frameBytes)).Should().BeTrue();
                picked.Data.AsSpan(frameBytes, frameBytes).SequenceEqual(fresh.Data.AsSpan(0, frameBytes)).Should().BeTrue();
                picked.Data.AsSpan(2 * frameBytes, frameBytes).SequenceEqual(fresh.Data.AsSpan(last * frameBytes, frameBytes)).Should().BeTrue();
                var past = () => cache.GetFrames(i, [0, e.Frames]);
                past.Should().Throw<ArgumentOutOfRangeException>().WithMessage($"*has {e.Frames} frames*");
            }
            long total = cache.Entries.Sum(x => x.ByteLength);
            new FileInfo(Path.Combine(dir, FrameCache.DataFileName)).Length.Should().Be(total);
        }

        string key;
        using (var again = FrameCache.OpenOrBuild(dir, clips, Gray64))
        {
            again.WasBuilt.Should().BeFalse("nothing changed");
            key = again.Key;
        }

        using (var smaller = FrameCache.OpenOrBuild(dir, clips, Gray64 with { Width = 32, Height = 32 }))
        {
            smaller.WasBuilt.Should().BeTrue("the decode options changed");
            smaller.Key.Should().NotBe(key);
            smaller.Entries.Should().OnlyContain(e => e.Width == 32 && e.Height == 32);
        }

        using (var fewer = FrameCache.OpenOrBuild(dir, clips.Take(2).ToList(), Gray64 with { Width = 32, Height = 32 }))
            fewer.WasBuilt.Should().BeTrue("the source list changed");
    }

    [SkippableFact]
    public void A_touched_source_or_damaged_data_file_forces_a_rebuild()
    {
        var source = TestFiles.KthClips().OrderBy(f => new FileInfo(f).Length).First();
        var copy = _tmp.File(Path.GetFileName(source));
        File.Copy(source, copy);
        var dir = Path.Combine(_tmp.Path, "cache2");
        var options = Gray64 with { Count = 20, Step = 2 };
        using (var c = FrameCache.OpenOrBuild(dir, [copy], options)) c.Entries[0].Frames.Should().Be(20);
        using (var c = FrameCache.OpenOrBuild(dir, [copy], options)) c.WasBuilt.Should().BeFalse();

        File.SetLastWriteTimeUtc(copy, DateTime.UtcNow.AddMinutes(-5));
        using (var c = FrameCache.OpenOrBuild(dir, [copy], options)) c.WasBuilt.Should().BeTrue("the source's modification time changed");

        using (var fs = new FileStream(Path.Combine(dir, FrameCache.DataFileName), FileMode.Open)) fs.SetLength(100);
        using (var c = FrameCache.OpenOrBuild(dir, [copy], options))
        {
            c.WasBuilt.Should().BeTrue("the data file was damaged");
            c.GetSpan(0).Length.Should().Be(20 * 64 * 64);
        }
    }

    [SkippableFact]
    public void A_bad_source_fails_the_build_naming_it_and_leaves_no_cache()
    {
        var good = TestFiles.KthClips()[0];
        var bad = _tmp.File("person01_boxing_d1_uncomp.avi");
        File.WriteAllBytes(bad, new byte[4096]);
        var dir = Path.Combine(_tmp.Path, "cache3");
        var act = () => FrameCache.OpenOrBuild(dir, [good, bad], Gray64);
        act.Should().Throw<VideoDecodeException>().Which.FilePath.Should().Be(bad);
        File.Exists(Path.Combine(dir, FrameCache.ManifestFileName)).Should().BeFalse();
        var missing = _tmp.File("gone.avi");
        ((Action)(() => FrameCache.OpenOrBuild(dir, [missing], Gray64))).Should().Throw<FileNotFoundException>().Which.Message.Should().Contain(missing);
    }

    [SkippableFact]
    public void Kth_samples_from_the_cache_equal_samples_decoded_on_demand()
    {
        var layout = KthLayout.Discover(TestFiles.KthDir);
        using var cache = FrameCache.OpenOrBuild(Path.Combine(_tmp.Path, "kth"), layout.Clips.Select(c => c.FilePath).ToList(), Gray64);
        var cached = KthDataset.Create(layout, KthSplit.Seed, DatasetSplit.Train, cache: cache);
        var decoded = KthDataset.Create(layout, KthSplit.Seed, DatasetSplit.Train);
        for (int i = 0; i < cached.Count; i++)
        {
            var a = cached.GetSample(i, new Random(100 + i));
            var b = decoded.GetSample(i, new Random(100 + i));
            a.Label.Should().Be(b.Label);
            a.Frames.Shape.Should().Equal(10, 64, 64, 1);
            a.Frames.Shape.Should().Equal(b.Frames.Shape);
            a.Frames.Data.AsSpan().SequenceEqual(b.Frames.Data).Should().BeTrue($"sample {i}");
        }
        using var wrong = FrameCache.OpenOrBuild(Path.Combine(_tmp.Path, "kth32"), layout.Clips.Select(c => c.FilePath).ToList(), Gray64 with { Width = 32 });
        ((Action)(() => KthDataset.Create(layout, KthSplit.Seed, DatasetSplit.Train, cache: wrong))).Should().Throw<ArgumentException>();
    }

    private sealed class SyncProgress(List<(int, int)> sink) : IProgress<(int Done, int Total)>
    {
        public void Report((int Done, int Total) value) => sink.Add(value);
    }
}
