using System.Buffers.Binary;
using FluentAssertions;
using Microsoft.Extensions.Logging;
using VideoTransformers.Data.Video;
using VideoTransformers.TestSupport;
using Xunit;

namespace VideoTransformers.Data.Tests.Video;

/// <summary>
/// The batched path (several files per ffmpeg run, no ffprobe) against the per-file path (ffprobe, then one ffmpeg
/// per file): same bytes and rates on every real clip, a bad file isolated, truncation still caught, and the probe
/// cache.
/// </summary>
public class BatchedDecodeTests
{
    private static string[] AllClips() =>
        TestFiles.KthClips().Concat(TestFiles.Clips("ucf101", "*.avi")).Concat(TestFiles.Clips("hmdb51", "*.avi"))
            .Concat(TestFiles.Clips("kinetics", "*.mp4")).ToArray();

    [SkippableTheory]
    [InlineData(64, 64, PixelFormat.Gray, 0, -1, 1)]
    [InlineData(112, 112, PixelFormat.Rgb, 0, -1, 1)]
    [InlineData(96, 80, PixelFormat.Rgb, 5, 16, 2)]
    [InlineData(32, 32, PixelFormat.Gray, 60, 1000, 1)]
    public void One_ffmpeg_run_for_all_15_clips_gives_the_per_file_bytes_and_rates(int width, int height, PixelFormat format, int start, int count, int step)
    {
        var clips = AllClips();
        clips.Should().HaveCount(15);
        var run = new FrameRun(start, step, count);
        var outcome = BatchFrameDecoder.Decode(clips, run, width, height, format, FFmpegTools.Default, default);
        outcome.Culprit.Should().BeNull();
        for (int i = 0; i < clips.Length; i++)
        {
            using var reader = VideoReader.Open(clips[i]);
            var single = reader.Decode(start, count, step, width, height, format);
            var batched = outcome.Results[i];
            batched.Should().NotBeNull($"the batched run vouches for {clips[i]}");
            batched!.Fps.Should().Be(reader.Fps, clips[i]);
            batched.Frames.Shape.Should().Equal(single.Shape, clips[i]);
            batched.Frames.Data.Should().Equal(single.Data, clips[i]);
        }
    }

    [Theory]
    [InlineData(20, 2, 8, 5)]  // 4 runs of 5 (two rounds), not 8 + 8 + 4
    [InlineData(16, 2, 8, 8)]
    [InlineData(6, 2, 16, 3)]
    [InlineData(599, 2, 8, 8)]
    [InlineData(3, 4, 16, 1)]
    [InlineData(1, 2, 16, 1)]
    [InlineData(0, 2, 16, 1)]
    [InlineData(17, 1, 16, 9)]
    public void Runs_come_in_whole_rounds_of_equal_size(int files, int workers, int max, int expected)
    {
        int size = VideoBatchDecoder.RunSize(files, workers, max);
        size.Should().Be(expected);
        size.Should().BeInRange(1, max);
    }

    [SkippableFact]
    public void The_batch_decoder_gives_the_per_file_results_with_and_without_batching()
    {
        var clips = AllClips();
        var options = new VideoDecodeOptions(64, 64, PixelFormat.Gray);
        var batched = new VideoBatchDecoder(options, maxDegreeOfParallelism: 2) { MaxFilesPerRun = 4 }.DecodeAll(clips);
        var single = new VideoBatchDecoder(options, maxDegreeOfParallelism: 2) { MaxFilesPerRun = 1 }.DecodeAll(clips);
        batched.Skipped.Should().BeEmpty();
        batched.Videos.Select(v => v.Index).Should().Equal(Enumerable.Range(0, clips.Length));
        for (int i = 0; i < clips.Length; i++)
        {
            batched.Videos[i].FilePath.Should().Be(single.Videos[i].FilePath);
            batched.Videos[i].Fps.Should().Be(single.Videos[i].Fps, clips[i]);
            batched.Videos[i].Frames.Data.Should().Equal(single.Videos[i].Frames.Data, clips[i]);
        }
    }

    [SkippableFact]
    public void A_truncated_or_damaged_file_in_a_batch_is_skipped_alone_with_the_per_file_error()
    {
        var kth = TestFiles.KthClips();
        var avi = kth.First(c => c.EndsWith(".avi"));
        var mp4 = kth.First(c => c.EndsWith("person04_boxing_d1_uncomp.mp4"));
        using var tmp = new TempDir();
        var cutAvi = tmp.File("cut.avi");
        File.WriteAllBytes(cutAvi, File.ReadAllBytes(avi).AsSpan(0, 800_000).ToArray());
        var damagedMp4 = tmp.File("damaged.mp4");
        var bytes = File.ReadAllBytes(mp4);
        for (int i = 0; i < 4096; i++) bytes[bytes.Length / 2 + i] = (byte)((i * 131 + 7) % 256);
        File.WriteAllBytes(damagedMp4, bytes);
        string[] paths = [kth[0], damagedMp4, kth[1], cutAvi, kth[2], kth[3]];

        var options = new VideoDecodeOptions(64, 64, PixelFormat.Gray);
        var logger = new ListLogger();
        var result = new VideoBatchDecoder(options, skipBadFiles: true, maxDegreeOfParallelism: 1, logger: logger).DecodeAll(paths);

        result.Skipped.Select(s => s.FilePath).Should().Equal(damagedMp4, cutAvi);
        result.Skipped[0].Error.Should().BeOfType<VideoDecodeException>().Which.Message.Should().Contain("decoded before the failure");
        result.Skipped[1].Error.Should().BeOfType<VideoDecodeException>().Which.Message.Should().Contain("truncated");
        logger.Entries.Where(e => e.Level == LogLevel.Warning).Should().HaveCount(2);
        result.Videos.Select(v => v.Index).Should().Equal(0, 2, 4, 5);
        foreach (var v in result.Videos)
        {
            using var reader = VideoReader.Open(v.FilePath);
            v.Frames.Data.Should().Equal(reader.Decode(0, -1, 1, 64, 64, PixelFormat.Gray).Data, v.FilePath);
        }

        // The damaged file stops ffmpeg as a whole; its decoder's errors do not name the file, so the run is halved.
        var outcome = BatchFrameDecoder.Decode([kth[0], damagedMp4, kth[1]], new FrameRun(0, 1, -1), 64, 64, PixelFormat.Gray, FFmpegTools.Default, default);
        outcome.Failed.Should().BeTrue();
        outcome.Culprit.Should().BeNull();
        outcome.Results.Should().OnlyContain(r => r == null);

        // A file ffmpeg cannot open is named in its log.
        var noise = tmp.File("noise.avi");
        File.WriteAllBytes(noise, Enumerable.Range(0, 5000).Select(i => (byte)(i * 37 % 251)).ToArray());
        var named = BatchFrameDecoder.Decode([kth[0], kth[1], noise], new FrameRun(0, 1, -1), 64, 64, PixelFormat.Gray, FFmpegTools.Default, default);
        named.Failed.Should().BeTrue();
        named.Culprit.Should().Be(2);
    }

    [SkippableFact]
    public void An_avi_cut_at_a_packet_boundary_is_not_taken_for_a_shorter_video()
    {
        var avi = TestFiles.KthClips().First(c => c.EndsWith(".avi"));
        using var tmp = new TempDir();
        var whole = File.ReadAllBytes(avi);
        // Cut after a whole packet and the RIFF size patched to fit, so that only the declared frame count tells.
        int cut = PacketEnd(whole, 200);
        var bytes = whole.AsSpan(0, cut).ToArray();
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4, 4), (uint)(cut - 8));
        var path = tmp.File("cut-at-boundary.avi");
        File.WriteAllBytes(path, bytes);

        BatchFrameDecoder.TruncatedRiff(path).Should().BeFalse();
        BatchFrameDecoder.DeclaredAviFrames(path).Should().Be(VideoReader.Probe(avi).FrameCount);
        var outcome = BatchFrameDecoder.Decode([avi, path], new FrameRun(0, 1, -1), 32, 32, PixelFormat.Gray, FFmpegTools.Default, default);
        outcome.Results[0].Should().NotBeNull();
        outcome.Results[1].Should().BeNull("ffmpeg read fewer packets than the AVI header declares");

        var result = new VideoBatchDecoder(new VideoDecodeOptions(32, 32, PixelFormat.Gray), skipBadFiles: true).DecodeAll([avi, path]);
        result.Skipped.Should().ContainSingle().Which.Error.Message.Should().Contain("truncated");

        // Without the patch the RIFF size alone keeps the file out of a batch.
        var plain = tmp.File("cut.avi");
        File.WriteAllBytes(plain, whole.AsSpan(0, cut).ToArray());
        BatchFrameDecoder.TruncatedRiff(plain).Should().BeTrue();
        BatchFrameDecoder.TruncatedRiff(avi).Should().BeFalse();
    }

    [SkippableFact]
    public void Hmdb51_placeholder_packets_are_not_frames_in_a_batch_either()
    {
        var clips = TestFiles.Clips("hmdb51", "*.avi");
        var outcome = BatchFrameDecoder.Decode(clips, new FrameRun(0, 1, -1), 32, 32, PixelFormat.Gray, FFmpegTools.Default, default);
        for (int i = 0; i < clips.Length; i++)
        {
            var declared = BatchFrameDecoder.DeclaredAviFrames(clips[i]);
            outcome.Results[i]!.Frames.Frames.Should().Be(VideoReader.Probe(clips[i]).FrameCount, clips[i]);
            declared.Should().BeGreaterThan(outcome.Results[i]!.Frames.Frames, "each of these clips holds a 1-byte skipped-frame packet");
        }
    }

    [SkippableFact]
    public void Probes_are_cached_per_file_until_it_changes()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "the counting ffprobe is a shell script");
        using var tmp = new TempDir();
        var clip = tmp.File("clip.mp4");
        File.Copy(TestFiles.KthClips().First(c => c.EndsWith(".mp4")), clip);
        var script = tmp.File("ffprobe");
        File.WriteAllText(script, $"#!/bin/sh\necho x >> \"{tmp.File("calls")}\"\nexec /usr/bin/ffprobe \"$@\"\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var tools = new FFmpegTools { FFprobe = script };
        int Calls() => File.Exists(tmp.File("calls")) ? File.ReadAllLines(tmp.File("calls")).Length : 0;

        var first = VideoReader.Probe(clip, tools);
        using (var reader = VideoReader.Open(clip, tools)) reader.Info.Should().Be(first);
        Calls().Should().Be(1, "the second look at an unchanged file is a cache hit");

        File.SetLastWriteTimeUtc(clip, File.GetLastWriteTimeUtc(clip).AddMinutes(1));
        VideoReader.Probe(clip, tools).Should().Be(first);
        Calls().Should().Be(2, "a new write time is a miss");

        File.Copy(TestFiles.KthClips().First(c => c.EndsWith(".avi")), clip, overwrite: true);
        File.SetLastWriteTimeUtc(clip, File.GetLastWriteTimeUtc(clip).AddMinutes(1));
        VideoReader.Probe(clip, tools).Codec.Should().Be("mpeg4");
        Calls().Should().Be(3, "another file under the same name is a miss");

        VideoReader.ClearProbeCache();
        VideoReader.Probe(clip, tools);
        Calls().Should().Be(4);
    }

    // End offset of the n-th '00dc'/'00db' chunk in the 'movi' list (0-based), including its padding byte.
    private static int PacketEnd(byte[] avi, int n)
    {
        int movi = avi.AsSpan().IndexOf("movi"u8);
        int pos = movi + 4, seen = 0;
        while (true)
        {
            var id = avi.AsSpan(pos, 4);
            int size = (int)BinaryPrimitives.ReadUInt32LittleEndian(avi.AsSpan(pos + 4, 4));
            int next = pos + 8 + size + (size & 1);
            if (id[2] == (byte)'d' && (id[3] == (byte)'c' || id[3] == (byte)'b') && seen++ == n) return next;
            pos = next;
        }
    }
}
