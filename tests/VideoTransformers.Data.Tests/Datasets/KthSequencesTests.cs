using System.Text.RegularExpressions;
using FluentAssertions;
using VideoTransformers.Data.Datasets;
using Xunit;

namespace VideoTransformers.Data.Tests.Datasets;

public class KthSequencesTests
{
    [SkippableFact]
    public void Parses_the_whole_real_file()
    {
        var path = TestFiles.KthSequencesFile;
        var seq = KthSequences.Load(path);
        var lines = File.ReadAllLines(path);
        int listed = lines.Count(l => l.Contains("frames"));
        listed.Should().Be(599, "600 clips minus the one the file marks missing");
        seq.Entries.Should().HaveCount(listed);
        seq.Missing.Should().Equal("person13_handclapping_d3");
        seq.Entries.Select(e => e.Person).Distinct().Should().HaveCount(25);
        seq.Entries.Select(e => e.Action).Distinct().Order().Should().Equal(KthLayout.ClassNames.Order());
        seq.Entries.Should().OnlyContain(e => e.Scenario >= 1 && e.Scenario <= 4 && e.Ranges.Count >= 3);
        seq.TryGet("person13_handclapping_d3", out _).Should().BeFalse();

        // Compare a spread of lines, including ones with stray spaces and only three ranges, with an independent parse.
        var picks = new[] { 0, 1, 155, 253, 300, lines.Length - 1 }.Select(i => lines[i]).Where(l => l.Contains("frames")).ToList();
        picks.Should().HaveCountGreaterThan(4);
        foreach (var line in picks)
        {
            var name = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)[0];
            var ranges = Regex.Matches(line, @"(\d+)-(\d+)").Select(m => new FrameRange(int.Parse(m.Groups[1].Value), int.Parse(m.Groups[2].Value))).ToList();
            seq[name].Ranges.Should().Equal(ranges, line);
            seq[name + "_uncomp.avi"].Should().BeSameAs(seq[name]);
        }
        seq["person01_boxing_d1"].Ranges.Should().Equal(new FrameRange(1, 95), new FrameRange(96, 185), new FrameRange(186, 245), new FrameRange(246, 360));
        seq["person11_boxing_d4"].Ranges.Should().HaveCount(3);
        seq["person25_walking_d4"].LastFrame.Should().Be(592);
    }

    [Fact]
    public void Tolerates_irregular_whitespace_blank_lines_and_missing_markers()
    {
        const string text = "\r\n  person02_running_d3 \t  frames\t1-10,11 - 20 ,  40-55\r\n\n\t\nperson05_walking_d1\t*missing*\nperson05_walking_d2 frames 3-4\n";
        var seq = KthSequences.Parse(text);
        seq.Entries.Should().HaveCount(2);
        var e = seq["person02_running_d3"];
        (e.Person, e.Action, e.Scenario).Should().Be((2, "running", 3));
        e.Ranges.Should().Equal(new FrameRange(1, 10), new FrameRange(11, 20), new FrameRange(40, 55));
        e.Ranges[2].StartIndex.Should().Be(39);
        e.Ranges[2].Length.Should().Be(16);
        seq.Missing.Should().Equal("person05_walking_d1");
    }

    [Theory]
    [InlineData("person01_boxing_d1 frames 1-x", "line 1")]
    [InlineData("\nbogus frames 1-2", "line 2")]
    [InlineData("person01_boxing_d1 frames 9-3", "9-3")]
    [InlineData("person01_boxing_d1 1-3", "expected 'frames")]
    [InlineData("person01_boxing_d1 frames 1-3\nperson01_boxing_d1 frames 1-3", "listed twice")]
    public void Malformed_lines_fail_naming_the_source_and_line(string text, string expected)
    {
        var act = () => KthSequences.Parse(text, "seq.txt");
        act.Should().Throw<FormatException>().Which.Message.Should().Contain("seq.txt").And.Contain(expected);
    }

    [Fact]
    public void Missing_file_is_named()
    {
        var path = Path.Combine(Path.GetTempPath(), "vt-missing-" + Guid.NewGuid().ToString("N"), "00sequences.txt");
        ((Action)(() => KthSequences.Load(path))).Should().Throw<FileNotFoundException>().Which.Message.Should().Contain(path);
    }
}
