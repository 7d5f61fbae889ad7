using FluentAssertions;
using VideoTransformers.Training.Logging;
using Xunit;

namespace VideoTransformers.Training.Tests.Logging;

public class TensorBoardWriterTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "vt-tb-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, true);
    }

    [Fact]
    public void Writes_a_version_event_then_scalar_summaries()
    {
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        string path;
        using (var writer = new TensorBoardWriter(_dir))
        {
            writer.AddScalar("train/loss", 0.5f, 1);
            writer.AddScalar("val/top1", 0.875f, 2);
            writer.AddScalar("train/loss", -3.25e-4f, 1_000_000_000_000L);
            writer.AddScalar("fixed", 1f, 7, DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_500));
            path = writer.FilePath;
        }

        Path.GetFileName(path).Should().MatchRegex(@"^events\.out\.tfevents\.\d{10}\.[A-Za-z0-9._-]+$");
        Directory.GetFiles(_dir).Should().Equal(path);
        var events = TfEventReader.ReadFile(path);
        events.Should().HaveCount(5);
        events[0].FileVersion.Should().Be("brain.Event:2");
        events[0].Scalars.Should().BeEmpty();
        events[0].WallTime.Should().BeInRange(before - 1, before + 60);

        events[1].Step.Should().Be(1);
        events[1].Scalars.Should().Equal(("train/loss", 0.5f));
        events[2].Step.Should().Be(2);
        events[2].Scalars.Should().Equal(("val/top1", 0.875f));
        events[3].Step.Should().Be(1_000_000_000_000L);
        events[3].Scalars.Should().Equal(("train/loss", -3.25e-4f));
        events[4].WallTime.Should().Be(1_700_000_000.5);
        events.Skip(1).Should().OnlyContain(e => e.FileVersion == null);
    }

    [Fact]
    public void Corrupting_any_single_byte_fails_a_crc_check()
    {
        string path;
        using (var writer = new TensorBoardWriter(_dir))
        {
            writer.AddScalar("loss", 1.5f, 3);
            path = writer.FilePath;
        }
        var original = File.ReadAllBytes(path);
        TfEventReader.Read(original).Should().HaveCount(2);

        for (var i = 0; i < original.Length; i++)
        {
            var corrupt = (byte[])original.Clone();
            corrupt[i] ^= 0x01;
            var act = () => TfEventReader.Read(corrupt);
            act.Should().Throw<InvalidDataException>($"flipping a bit of byte {i} must be detected").WithMessage("*CRC mismatch*");
        }
    }

    [Fact]
    public void Flush_makes_events_visible_while_the_writer_is_open()
    {
        using var writer = new TensorBoardWriter(_dir);
        writer.AddScalar("lr", 0.001f, 10);
        writer.Flush();
        TfEventReader.ReadFile(writer.FilePath).Should().HaveCount(2);
    }

    [Fact]
    public void Writers_started_together_get_separate_files_and_disposed_writers_refuse_input()
    {
        using var a = new TensorBoardWriter(_dir);
        using var b = new TensorBoardWriter(_dir);
        a.FilePath.Should().NotBe(b.FilePath);
        b.Dispose();
        b.Dispose();
        b.Invoking(w => w.AddScalar("x", 1, 1)).Should().Throw<ObjectDisposedException>();
        a.Invoking(w => w.AddScalar("", 1, 1)).Should().Throw<ArgumentException>();
    }
}
