using FluentAssertions;
using Microsoft.Extensions.Logging;
using VideoTransformers.Data.Video;
using VideoTransformers.TestSupport;
using Xunit;

namespace VideoTransformers.Data.Tests.Video;

public class VideoBatchDecoderTests
{
    private static readonly VideoDecodeOptions Options = new(32, 32, PixelFormat.Gray, Start: 0, Count: 12, Step: 3);

    [SkippableFact]
    public void Decodes_every_file_in_input_order_in_parallel()
    {
        var clips = TestFiles.KthClips();
        var progress = new List<(int, int)>();
        var result = new VideoBatchDecoder(Options, maxDegreeOfParallelism: 2).DecodeAll(clips, new SyncProgress(progress));
        result.Skipped.Should().BeEmpty();
        result.Videos.Select(v => v.FilePath).Should().Equal(clips);
        result.Videos.Should().OnlyContain(v => v.Frames.Frames == 12 && v.Frames.Width == 32 && v.Frames.Channels == 1 && v.Fps == 25);
        progress.Should().HaveCount(clips.Length);
        progress.Select(p => p.Item1).Order().Should().Equal(Enumerable.Range(1, clips.Length));

        using var reader = VideoReader.Open(clips[1]);
        result.Videos[1].Frames.Data.Should().Equal(reader.Decode(0, 12, 3, 32, 32, PixelFormat.Gray).Data);
    }

    [SkippableFact]
    public void Bad_files_throw_by_default_and_are_logged_and_skipped_when_asked()
    {
        var good = TestFiles.KthClips()[0];
        using var tmp = new TempDir();
        var noise = tmp.File("noise.avi");
        File.WriteAllBytes(noise, Enumerable.Range(0, 5000).Select(i => (byte)(i * 37 % 251)).ToArray());
        var missing = tmp.File("missing.mp4");
        string[] paths = [good, noise, missing, good];

        var strict = () => new VideoBatchDecoder(Options).DecodeAll(paths);
        strict.Should().Throw<VideoDecodeException>().Which.FilePath.Should().Be(noise);

        var logger = new ListLogger();
        var result = new VideoBatchDecoder(Options, skipBadFiles: true, logger: logger).DecodeAll(paths);
        result.Videos.Select(v => v.Index).Should().Equal(0, 3);
        result.Skipped.Select(s => s.FilePath).Should().Equal(noise, missing);
        result.Skipped[1].Error.Should().BeOfType<FileNotFoundException>();
        logger.Entries.Where(e => e.Level == LogLevel.Warning).Should().HaveCount(2);
        logger.Entries.Should().Contain(e => e.Message.Contains(noise)).And.Contain(e => e.Message.Contains(missing));
    }

    private sealed class SyncProgress(List<(int, int)> sink) : IProgress<(int Done, int Total)>
    {
        public void Report((int Done, int Total) value)
        {
            lock (sink) sink.Add(value);
        }
    }
}
