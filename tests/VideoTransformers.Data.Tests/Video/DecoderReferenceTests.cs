using System.Diagnostics;
using FluentAssertions;
using VideoTransformers.Data.Video;
using VideoTransformers.TestSupport;
using Xunit;

namespace VideoTransformers.Data.Tests.Video;

/// <summary>
/// The FFmpeg-tools decoder against facts that do not come from it: the old in-process decoder's recorded output
/// (<see cref="DecoderReference"/>) and ffprobe's full-decode frame count.
/// </summary>
public class DecoderReferenceTests
{
    // Scaler tolerance. Measured when the reference was recorded: 0 on every clip (bit-identical output).
    private const double MeanTolerance = 1.0;
    private const int PixelTolerance = 4;

    public static TheoryData<string> Clips()
    {
        var d = new TheoryData<string>();
        foreach (var r in DecoderReference.Load()) d.Add(r.Clip);
        return d;
    }

    [SkippableTheory]
    [MemberData(nameof(Clips))]
    public void Frame_counts_and_pixels_match_the_old_in_process_decoder(string clip)
    {
        var expected = DecoderReference.Load().Single(r => r.Clip == clip);
        using var reader = VideoReader.Open(SharedData.Require(clip));
        reader.FrameCount.Should().Be(expected.Frames);
        reader.Fps.Should().Be(expected.Fps);
        (reader.Width, reader.Height).Should().Be((expected.Width, expected.Height));

        var gray = reader.Decode(0, -1, 1, 64, 64, PixelFormat.Gray);
        var rgb = reader.Decode(0, -1, 1, 112, 112, PixelFormat.Rgb);
        gray.Frames.Should().Be(expected.Frames);
        rgb.Frames.Should().Be(expected.Frames);
        AssertClose(DecoderReference.FrameMeans(gray), expected.Gray64Means, MeanTolerance, "per-frame means of 64x64 gray");
        AssertClose(DecoderReference.FrameMeans(rgb), expected.Rgb112Means, MeanTolerance, "per-frame channel means of 112x112 RGB");
        var mid = gray.Frame(gray.Frames / 2).ToArray().Select(b => (double)b).ToArray();
        AssertClose(mid, Convert.FromBase64String(expected.Gray64MidFrame).Select(b => (double)b).ToArray(), PixelTolerance, "middle 64x64 gray frame");
    }

    [SkippableTheory]
    [MemberData(nameof(Clips))]
    public void The_pinned_frame_count_is_what_ffprobe_counts_by_decoding_every_frame(string clip)
    {
        var expected = DecoderReference.Load().Single(r => r.Clip == clip);
        var path = SharedData.Require(clip);
        var psi = new ProcessStartInfo("ffprobe", ["-v", "error", "-select_streams", "v:0", "-count_frames", "-count_packets",
            "-show_entries", "stream=nb_read_frames,nb_read_packets", "-of", "csv=p=0", path]) { RedirectStandardOutput = true };
        using var p = Process.Start(psi)!;
        var fields = p.StandardOutput.ReadToEnd().Trim().Split(',');
        p.WaitForExit();
        int frames = int.Parse(fields[0]), packets = int.Parse(fields[1]);
        frames.Should().Be(expected.Frames);
        // HMDB51's DivX files hold one 1-byte "frame skipped" packet each, which is not a frame.
        if (clip.StartsWith("hmdb51/")) packets.Should().Be(frames + 1);
        else packets.Should().Be(frames);
    }

    [SkippableFact]
    public void Native_size_rgb_has_sane_right_edge_columns_at_an_odd_width()
    {
        // The old decoder wrote garbage into the last 4 columns of 340-wide unscaled RGB frames (Kinetics).
        var clip = TestFiles.Clips("kinetics", "*.mp4")[0];
        using var reader = VideoReader.Open(clip);
        var f = reader.Decode(0, 1, 1, 0, 0, PixelFormat.Rgb);
        int w = f.Width, h = f.Height;
        double diff = 0;
        var px = f.Frame(0);
        for (int y = 0; y < h; y++)
            for (int c = 0; c < 3; c++)
                diff += Math.Abs(px[(y * w + w - 1) * 3 + c] - px[(y * w + w - 5) * 3 + c]);
        (diff / (h * 3)).Should().BeLessThan(20, "neighbouring columns of natural video are alike");
    }

    private static void AssertClose(double[] actual, double[] expected, double tolerance, string what)
    {
        actual.Should().HaveSameCount(expected, what);
        double worst = actual.Zip(expected, (a, e) => Math.Abs(a - e)).Max();
        worst.Should().BeLessThanOrEqualTo(tolerance, what);
    }
}
