using FluentAssertions;
using VideoTransformers.Data.Datasets;
using VideoTransformers.Data.Video;
using Xunit;

namespace VideoTransformers.Data.Tests.Datasets;

public class KthDatasetTests
{
    [SkippableFact]
    public void Samples_are_10_frames_of_64x64_gray_cut_with_step_8_from_a_seeded_random_start()
    {
        var layout = KthLayout.Discover(TestFiles.KthDir);
        var ds = KthDataset.Create(layout, KthSplit.Seed, DatasetSplit.Train);
        ds.ClassNames.Should().Equal(KthLayout.ClassNames);
        ds.Count.Should().Be(6);
        ds.Options.Frames.Should().Be(10);
        Enumerable.Range(0, ds.Count).Select(ds.GetLabel).Should().Equal(0, 1, 1, 3, 0, 0);

        var a = ds.GetSample(3, new Random(42));
        a.Label.Should().Be(3);
        a.Frames.Shape.Should().Equal(10, 64, 64, 1);
        ds.GetSample(3, new Random(42)).Frames.Data.Should().Equal(a.Frames.Data, "the same seed gives the same window");

        // Reconstruct the window from a full decode: the sample must be frames start, start+8, ..., start+72.
        using var reader = VideoReader.Open(ds.Items[3].Clip.FilePath);
        var all = reader.Decode(0, -1, 1, 64, 64, PixelFormat.Gray);
        int maxStart = all.Frames - 80;
        int start = new Random(42).Next(maxStart + 1);
        for (int t = 0; t < 10; t++) a.Frames.Frame(t).SequenceEqual(all.Frame(start + 8 * t)).Should().BeTrue($"frame {t}");

        var starts = Enumerable.Range(0, 8).Select(s => ds.GetSample(3, new Random(s)).Frames.Data).ToList();
        starts.Distinct(new BytesComparer()).Should().HaveCountGreaterThan(4, "different seeds move the window");
    }

    [SkippableFact]
    public void Without_a_random_source_the_window_is_central_and_deterministic()
    {
        var ds = new KthDataset(KthLayout.Discover(TestFiles.KthDir).Clips.Take(1).ToList());
        ds.GetSample(0).Frames.Data.Should().Equal(ds.GetSample(0).Frames.Data);
    }

    [Fact]
    public void Short_ranges_are_padded_by_repeating_the_last_sampled_frame()
    {
        var o = new KthSamplingOptions();
        o.SampleIndices(0, 49, new Random(1)).Should().Equal(0, 8, 16, 24, 32, 40, 48, 48, 48, 48);
        o.SampleIndices(100, 179, null).Should().Equal(100, 108, 116, 124, 132, 140, 148, 156, 164, 172);
        o.SampleIndices(5, 5, null).Should().Equal(Enumerable.Repeat(5, 10));
        var r = new Random(3);
        for (int i = 0; i < 200; i++)
        {
            var idx = o.SampleIndices(10, 200, r);
            idx[0].Should().BeInRange(10, 200 - 79);
            idx.Zip(idx.Skip(1), (x, y) => y - x).Should().OnlyContain(d => d == 8);
        }
    }

    [SkippableFact]
    public void Subsequences_become_samples_drawn_inside_their_range()
    {
        var layout = KthLayout.Discover(TestFiles.KthDir);
        var seq = KthSequences.Load(TestFiles.KthSequencesFile);
        var options = new KthSamplingOptions(UseSubsequences: true);
        var ds = new KthDataset(layout.Clips, options, seq);
        ds.Count.Should().Be(layout.Clips.Sum(c => seq[c.Name].Ranges.Count));
        var item = ds.Items.First(i => i.Clip.Name == "person01_jogging_d1" && i.Range!.First == 120);
        item.Range!.Last.Should().Be(170);
        int index = ds.Items.ToList().IndexOf(item);
        var sample = ds.GetSample(index, new Random(5));
        sample.Frames.Shape.Should().Equal(10, 64, 64, 1);

        using var reader = VideoReader.Open(item.Clip.FilePath);
        var expected = options.SampleIndices(119, 169, new Random(5));
        expected.Should().OnlyContain(i => i >= 119 && i <= 169);
        sample.Frames.Data.Should().Equal(reader.DecodeIndices(expected, 64, 64, PixelFormat.Gray).Data);

        ((Action)(() => new KthDataset(layout.Clips, options))).Should().Throw<ArgumentException>();
    }

    private sealed class BytesComparer : IEqualityComparer<byte[]>
    {
        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] obj) => obj.Length == 0 ? 0 : HashCode.Combine(obj.Length, obj[obj.Length / 2], obj[^1]);
    }
}
