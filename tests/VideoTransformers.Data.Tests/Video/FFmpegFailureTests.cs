using FluentAssertions;
using VideoTransformers.Data.Video;
using Xunit;

namespace VideoTransformers.Data.Tests.Video;

/// <summary>
/// What happens when the FFmpeg tools are missing, hang, stop early or are cancelled: a clear exception, and no child
/// process outlives the call. The misbehaving tools are small shell scripts (Linux only) around the real ffmpeg.
/// </summary>
public class FFmpegFailureTests
{
    // A property, not a field: without the shared data the test is skipped rather than failing in a type initializer.
    private static string Clip => TestFiles.Clips("kinetics", "*.mp4")[0];

    [SkippableFact]
    public void A_missing_ffprobe_or_ffmpeg_says_what_to_install_on_each_os()
    {
        var clip = Clip;
        var noProbe = new FFmpegTools { FFprobe = "/nonexistent/ffprobe" };
        var ex = ((Action)(() => VideoReader.Open(clip, noProbe))).Should().Throw<FFmpegNotFoundException>().Which;
        ex.Tool.Should().Be("/nonexistent/ffprobe");
        ex.Message.Should().Contain("apt install ffmpeg").And.Contain("winget install ffmpeg").And.Contain("brew install ffmpeg");

        using var reader = VideoReader.Open(clip, new FFmpegTools { FFmpeg = "/nonexistent/ffmpeg" });
        ((Action)(() => reader.Decode(0, 2))).Should().Throw<FFmpegNotFoundException>().Which.Tool.Should().Be("/nonexistent/ffmpeg");

        // Not one bad file: a batch that skips bad files still stops, on the batched path (ffmpeg only) and per file.
        var options = new VideoDecodeOptions(32, 32, PixelFormat.Gray);
        var noFFmpeg = new FFmpegTools { FFmpeg = "/nonexistent/ffmpeg" };
        var batch = new VideoBatchDecoder(options, skipBadFiles: true, tools: noFFmpeg);
        ((Action)(() => batch.DecodeAll([clip, clip]))).Should().Throw<FFmpegNotFoundException>().Which.Tool.Should().Be("/nonexistent/ffmpeg");
        var perFile = new VideoBatchDecoder(options, skipBadFiles: true, tools: noProbe) { MaxFilesPerRun = 1 };
        ((Action)(() => perFile.DecodeAll([clip]))).Should().Throw<FFmpegNotFoundException>().Which.Tool.Should().Be("/nonexistent/ffprobe");
    }

    [SkippableFact]
    public void VT_FFMPEG_and_VT_FFPROBE_choose_other_builds_and_unset_or_blank_ones_leave_the_PATH()
    {
        var env = new Dictionary<string, string?> { ["VT_FFPROBE"] = "/nonexistent/ffprobe", ["VT_FFMPEG"] = "  " };
        var tools = FFmpegTools.FromEnvironment(k => env.GetValueOrDefault(k));
        tools.FFprobe.Should().Be("/nonexistent/ffprobe");
        tools.FFmpeg.Should().Be("ffmpeg", "a blank variable is not a path");
        FFmpegTools.FromEnvironment(_ => null).Should().Be(new FFmpegTools());

        // The chosen program is the one started, and the error names the variables.
        var clip = Clip;
        var ex = ((Action)(() => VideoReader.Open(clip, tools))).Should().Throw<FFmpegNotFoundException>().Which;
        ex.Tool.Should().Be("/nonexistent/ffprobe");
        ex.Message.Should().Contain("VT_FFMPEG").And.Contain("VT_FFPROBE");
        using var reader = VideoReader.Open(clip, FFmpegTools.FromEnvironment(k => k == "VT_FFPROBE" ? "/usr/bin/ffprobe" : null));
        reader.FrameCount.Should().BeGreaterThan(0);
    }

    [SkippableFact]
    public void Cancelling_a_batched_decode_kills_ffmpeg_and_its_tree_and_removes_its_output_folder()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "the fake tools are shell scripts and the check reads /proc");
        using var tmp = new TempDir();
        // The batched run's arguments are passed on, so the output folder can be found from the first output path.
        var tools = FakeFFmpeg(tmp, """for a in "$@"; do case "$a" in */vt-decode-*/0.raw) dirname "$a" > "$DIR/outdir";; esac; done; /usr/bin/ffmpeg -re "$@" & echo $! > "$DIR/child.pid"; wait""");
        var kth = TestFiles.KthClips();
        var decoder = new VideoBatchDecoder(new VideoDecodeOptions(64, 64, PixelFormat.Gray), skipBadFiles: true, tools: tools);
        using var cts = new CancellationTokenSource();
        var decode = Task.Run(() => decoder.DecodeAll([kth[0], kth[1]], cancellationToken: cts.Token));
        var (shell, child) = WaitForPids(tmp);
        Thread.Sleep(300);
        IsAlive(child).Should().BeTrue("ffmpeg -re takes about 15 s for these clips");
        var outdir = File.ReadAllText(tmp.File("outdir")).Trim();
        Directory.Exists(outdir).Should().BeTrue();
        cts.Cancel();

        ((Action)(() => decode.GetAwaiter().GetResult())).Should().Throw<OperationCanceledException>();
        WaitUntilDead(shell).Should().BeTrue("the shell started for ffmpeg is killed");
        WaitUntilDead(child).Should().BeTrue("ffmpeg, the shell's child, is killed with the tree");
        Directory.Exists(outdir).Should().BeFalse("the raw outputs are deleted");
    }

    [SkippableTheory]
    [InlineData(false)]
    [InlineData(true)]
    public void Cancelling_or_disposing_a_decode_kills_ffmpeg_and_its_whole_process_tree(bool dispose)
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "the fake tools are shell scripts and the check reads /proc");
        using var tmp = new TempDir();
        // A real ffmpeg, started by a shell (so there is a tree to kill) and slowed to the clip's frame rate (-re).
        var tools = FakeFFmpeg(tmp, """/usr/bin/ffmpeg -re "$@" & echo $! > "$DIR/child.pid"; wait""");
        var reader = VideoReader.Open(Clip, tools);
        using var cts = new CancellationTokenSource();
        var decode = Task.Run(() => reader.Decode(0, -1, 1, 64, 64, PixelFormat.Gray, cts.Token));
        var (shell, child) = WaitForPids(tmp);
        Thread.Sleep(300);
        IsAlive(child).Should().BeTrue("ffmpeg -re takes about 10 s for this clip");
        if (dispose) reader.Dispose();
        else cts.Cancel();

        var act = () => decode.GetAwaiter().GetResult();
        if (dispose) act.Should().Throw<ObjectDisposedException>();
        else act.Should().Throw<OperationCanceledException>();
        WaitUntilDead(shell).Should().BeTrue("the shell started for ffmpeg is killed");
        WaitUntilDead(child).Should().BeTrue("ffmpeg, the shell's child, is killed with the tree");
        reader.Dispose();
    }

    [SkippableFact]
    public void A_hung_child_is_killed_after_the_idle_timeout()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "the fake tools are shell scripts and the check reads /proc");
        using var tmp = new TempDir();
        var tools = FakeFFmpeg(tmp, """sleep 600 & echo $! > "$DIR/child.pid"; wait""") with { IdleTimeout = TimeSpan.FromSeconds(1) };
        using var reader = VideoReader.Open(Clip, tools);
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var ex = ((Action)(() => reader.Decode(0, 4, 1, 32, 32, PixelFormat.Gray))).Should().Throw<VideoDecodeException>().Which;
        sw.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(60));
        ex.FilePath.Should().Be(Clip);
        ex.Message.Should().Contain(Clip).And.Contain("wrote nothing for 1 s and was killed");
        var (shell, child) = WaitForPids(tmp);
        WaitUntilDead(shell).Should().BeTrue();
        WaitUntilDead(child).Should().BeTrue("the hung grandchild is killed with the tree");
    }

    [SkippableFact]
    public void A_hung_batched_run_is_killed_after_the_idle_timeout_and_each_file_then_fails_alone()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "the fake tools are shell scripts and the check reads /proc");
        using var tmp = new TempDir();
        var tools = FakeFFmpeg(tmp, """echo started >> "$DIR/runs"; sleep 600 & echo $! > "$DIR/child.pid"; wait""") with { IdleTimeout = TimeSpan.FromSeconds(2) };
        var kth = TestFiles.KthClips();
        var decoder = new VideoBatchDecoder(new VideoDecodeOptions(32, 32, PixelFormat.Gray), skipBadFiles: true, tools: tools);
        var result = decoder.DecodeAll([kth[0], kth[1], kth[2]]);
        result.Videos.Should().BeEmpty();
        result.Skipped.Select(s => s.FilePath).Should().Equal(kth[0], kth[1], kth[2]);
        result.Skipped.Should().OnlyContain(s => s.Error.Message.Contains("wrote nothing for 2 s and was killed"));
        // One batched run, then one per file: a hang is not halved and retried. (At most: on a loaded machine the
        // watchdog can kill a shell before it writes its line.)
        File.ReadAllLines(tmp.File("runs")).Should().HaveCountLessThanOrEqualTo(4);
        var (shell, child) = WaitForPids(tmp);
        WaitUntilDead(shell).Should().BeTrue();
        WaitUntilDead(child).Should().BeTrue("the hung grandchild is killed with the tree");
    }

    [SkippableFact]
    public void An_ffmpeg_that_stops_early_with_success_is_not_taken_for_a_shorter_video()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "the fake tools are shell scripts");
        using var tmp = new TempDir();
        // Stops after 5 frames and exits 0, as a decoder that silently gives up at damage would.
        var tools = FakeFFmpeg(tmp, """n=$#; last=$(eval echo \${$n}); i=0; for a in "$@"; do i=$((i+1)); [ $i -lt $n ] && set -- "$@" "$a"; done; shift $n; exec /usr/bin/ffmpeg "$@" -frames:v 5 "$last" """);
        using var reader = VideoReader.Open(Clip, tools);
        var ex = ((Action)(() => reader.Decode(0, -1, 1, 32, 32, PixelFormat.Gray))).Should().Throw<VideoDecodeException>().Which;
        ex.Message.Should().Contain(Clip).And.Contain("truncated or damaged").And.Contain($"ffprobe counted {reader.FrameCount} frames").And.Contain("decoded 5");
    }

    private static FFmpegTools FakeFFmpeg(TempDir tmp, string body)
    {
        var script = tmp.File("ffmpeg");
        File.WriteAllText(script, $"#!/bin/sh\nDIR=\"$(dirname \"$0\")\"\necho $$ > \"$DIR/shell.pid\"\n{body}\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return new FFmpegTools { FFmpeg = script };
    }

    private static (int Shell, int Child) WaitForPids(TempDir tmp)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (TryRead(tmp.File("shell.pid"), out var shell) && TryRead(tmp.File("child.pid"), out var child)) return (shell, child);
            Thread.Sleep(20);
        }
        throw new TimeoutException("the fake ffmpeg did not start");
    }

    private static bool TryRead(string path, out int pid)
    {
        pid = 0;
        return File.Exists(path) && int.TryParse(File.ReadAllText(path).Trim(), out pid);
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            // A zombie (state Z) has exited; it only waits for its parent to reap it.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..][0] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static bool WaitUntilDead(int pid)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (IsAlive(pid))
        {
            if (DateTime.UtcNow > deadline) return false;
            Thread.Sleep(20);
        }
        return true;
    }
}
