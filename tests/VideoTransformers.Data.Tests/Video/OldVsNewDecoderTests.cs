using FluentAssertions;
using VideoTransformers.Data.Video;
using Xunit;
using Xunit.Abstractions;

namespace VideoTransformers.Data.Tests.Video;

// Side-by-side check of the FFmpeg-tools decoder against the old in-process decoder, run while both exist.
public class OldVsNewDecoderTests(ITestOutputHelper output)
{
    public static TheoryData<string> AllClips()
    {
        var d = new TheoryData<string>();
        foreach (var (folder, pattern) in new[] { ("kth", "*.*"), ("ucf101", "*.avi"), ("hmdb51", "*.avi"), ("kinetics", "*.mp4") })
            d.Add(folder + "/" + pattern);
        return d;
    }

    // Run with VT_RECORD_REFERENCE=<file> to write the old decoder's reference (Video/Reference/old-decoder.json).
    [SkippableFact]
    public void Record_the_old_decoder_reference()
    {
        var target = Environment.GetEnvironmentVariable("VT_RECORD_REFERENCE");
        Skip.If(target is null, "set VT_RECORD_REFERENCE to record");
        var refs = new List<DecoderReference>();
        foreach (var (folder, pattern) in new[] { ("kth", "*.*"), ("ucf101", "*.avi"), ("hmdb51", "*.avi"), ("kinetics", "*.mp4") })
            foreach (var clip in TestFiles.Clips(folder, pattern).Where(c => c.EndsWith(".avi") || c.EndsWith(".mp4")))
            {
                using var old = NativeVideoReader.Open(clip);
                var gray = old.Decode(0, -1, 1, 64, 64, PixelFormat.Gray);
                var rgb = old.Decode(0, -1, 1, 112, 112, PixelFormat.Rgb);
                gray.Frames.Should().Be(old.FrameCount);
                refs.Add(DecoderReference.From(folder + "/" + Path.GetFileName(clip), old.FrameCount, old.Fps, old.Width, old.Height, gray, rgb));
            }
        DecoderReference.Save(target!, refs);
    }

    [SkippableTheory]
    [MemberData(nameof(AllClips))]
    public void Frame_counts_and_pixels_match_the_in_process_decoder(string spec)
    {
        var parts = spec.Split('/');
        var clips = TestFiles.Clips(parts[0], parts[1]).Where(c => c.EndsWith(".avi") || c.EndsWith(".mp4"));
        foreach (var clip in clips)
        {
            using var old = NativeVideoReader.Open(clip);
            using var neu = VideoReader.Open(clip);
            int oldCount = old.FrameCount;
            neu.FrameCount.Should().Be(oldCount, clip);
            neu.Fps.Should().Be(old.Fps, clip);
            (neu.Width, neu.Height).Should().Be((old.Width, old.Height), clip);
            foreach (var (w, h, fmt) in new[] { (64, 64, PixelFormat.Gray), (112, 112, PixelFormat.Rgb), (0, 0, PixelFormat.Gray), (0, 0, PixelFormat.Rgb), (200, 300, PixelFormat.Rgb) })
            {
                var a = old.Decode(0, -1, 1, w, h, fmt);
                var b = neu.Decode(0, -1, 1, w, h, fmt);
                b.Shape.Should().Equal(a.Shape, clip);
                a.Frames.Should().Be(oldCount, "the old decoder's estimate equals its decoded count: " + clip);
                if (w == 0 && fmt == PixelFormat.Rgb && Environment.GetEnvironmentVariable("VT_DUMP") is { } dump)
                {
                    File.WriteAllBytes(Path.Combine(dump, Path.GetFileName(clip) + ".old.rgb"), a.Data);
                    File.WriteAllBytes(Path.Combine(dump, Path.GetFileName(clip) + ".new.rgb"), b.Data);
                }
                int max = 0;
                long sum = 0, differing = 0;
                for (int i = 0; i < a.Data.Length; i++)
                {
                    int d = Math.Abs(a.Data[i] - b.Data[i]);
                    if (d > max) max = d;
                    sum += d;
                    if (d != 0) differing++;
                }
                output.WriteLine($"{Path.GetFileName(clip)} {oldCount} frames {w}x{h} {fmt}: max |diff| {max}, mean {(double)sum / a.Data.Length:F4}, differing bytes {differing}");
            }
        }
    }
}
