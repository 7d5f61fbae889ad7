using System.Text.RegularExpressions;
using FluentAssertions;
using SkiaSharp;
using VideoTransformers.Training.Reporting;
using VideoTransformers.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace VideoTransformers.Cli.Tests;

/// <summary>report.html: written by vt train and vt report, self-contained, encoded, and rendered by a real browser.</summary>
public class ReportTests(ITestOutputHelper output)
{
    private static readonly string[] Pictures = ["learning_curves.svg", "confusion_matrix.svg", "attention.png"];

    private static (int code, string stdout, string stderr) Vt(params string[] args) => VtProcess.Run(args);

    [SkippableFact]
    public void Vt_train_writes_a_report_that_vt_report_rewrites_and_headless_chromium_renders_with_its_pictures()
    {
        var chromium = Chromium.Require();
        var dir = Directory.CreateTempSubdirectory("vt-report").FullName;
        try
        {
            // A tiny frame-vit on 16x16 clips of 4 frames: two epochs, so that the learning curves are lines.
            var config = Path.Combine(dir, "tiny.yaml");
            File.WriteAllText(config, "model_name: frame-vit\nimage_size: 16\nmax_frames: 4\npatch_size: 8\ntoken_dim: 16\nbatch_size: 32\n");
            var run = Path.Combine(dir, "run");
            var (code, stdout, stderr) = Vt("train", "--config", config, "--dataset", "synthetic", "--epochs", "2", "--seed", "3", "--out", run, "--quiet");
            code.Should().Be(0, stderr);
            var report = Path.Combine(run, RunReport.FileName);
            File.Exists(report).Should().BeTrue("vt train writes report.html when the run ends");
            File.Delete(report);

            (code, stdout, stderr) = Vt("report", run);
            code.Should().Be(0, stderr);
            stdout.Trim().Should().Be(report);
            var html = File.ReadAllText(report);
            // Offline: nothing to fetch, nothing to run.
            html.Should().NotContainAny("<script", "http://", "https://", "<link", "@import", "url(");

            var dom = chromium.DumpDom(report);
            var images = Regex.Matches(dom, "<img src=\"data:(image/[a-z+]+);base64,([A-Za-z0-9+/=]*)\"").ToList();
            images.Select(m => m.Groups[1].Value).Should().Equal("image/svg+xml", "image/svg+xml", "image/png");
            for (var i = 0; i < Pictures.Length; i++)
                Convert.FromBase64String(images[i].Groups[2].Value).SequenceEqual(File.ReadAllBytes(Path.Combine(run, Pictures[i])))
                    .Should().BeTrue($"the page embeds {Pictures[i]} as it is");
            dom.Should().Contain("Run report: frame-vit on synthetic").And.Contain("token_dim: 16").And.Contain("train_loss")
                .And.Contain("training time").And.Contain($"vt train --config {config} --dataset synthetic --epochs 2");
            dom.Should().NotContain("Missing parts");

            var full = Colours(chromium, report, Path.Combine(dir, "full.png"));
            output.WriteLine($"full page: {full.Pixels} coloured pixels, {full.Distinct} distinct colours");
            // The same page without any picture is the control: text, tables and borders are gray, so the colour the
            // full page has comes from its pictures.
            var none = Colours(chromium, Partial(run, Path.Combine(dir, "none"), Pictures), Path.Combine(dir, "none.png"));
            output.WriteLine($"no pictures: {none.Pixels} coloured pixels, {none.Distinct} distinct colours");
            none.Distinct.Should().BeLessThan(16, "a page without pictures is gray but for the missing-parts box");
            full.Distinct.Should().BeGreaterThan(none.Distinct + 500, "the rendered pictures bring many colours");
            foreach (var picture in Pictures)
            {
                var without = Colours(chromium, Partial(run, Path.Combine(dir, "without-" + picture), [picture]), Path.Combine(dir, "without.png"));
                output.WriteLine($"without {picture}: {without.Pixels} coloured pixels, {without.Distinct} distinct colours");
                full.Distinct.Should().BeGreaterThan(without.Distinct + 50, $"{picture} should be drawn in the page");
            }
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void A_missing_run_folder_is_an_error_naming_it()
    {
        var missing = Path.Combine(Path.GetTempPath(), "vt-no-such-run-" + Guid.NewGuid().ToString("N"));
        var (code, _, stderr) = Vt("report", missing);
        code.Should().Be(1, stderr);
        stderr.Should().Contain("error: ").And.Contain(missing).And.Contain("does not exist").And.NotContain("   at ");
    }

    [Fact]
    public void A_folder_that_is_not_a_run_is_an_error_naming_it()
    {
        var dir = Directory.CreateTempSubdirectory("vt-not-a-run").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "notes.txt"), "hello");
            var (code, _, stderr) = Vt("report", dir);
            code.Should().Be(1, stderr);
            stderr.Should().Contain($"'{dir}' is not a run folder").And.Contain("config.yaml").And.NotContain("   at ");
            File.Exists(Path.Combine(dir, RunReport.FileName)).Should().BeFalse();
            (code, _, stderr) = Vt("report", dir, "extra");
            code.Should().Be(2, stderr);
            stderr.Should().Contain("Expected one run folder");

            // A run folder with parts missing: the page is written, the missing parts are warnings on stderr.
            File.WriteAllText(Path.Combine(dir, "metrics.csv"), "epoch,train_loss\n1,0.5\n");
            (code, var stdout, stderr) = Vt("report", dir);
            code.Should().Be(0, stderr);
            stdout.Trim().Should().Be(Path.Combine(dir, RunReport.FileName));
            stderr.Should().Contain("results.json").And.Contain("attention.png");
            File.ReadAllText(Path.Combine(dir, RunReport.FileName)).Should().Contain("Missing parts").And.Contain("<td>0.5</td>");
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void Every_text_taken_from_the_run_folder_is_html_encoded_and_missing_or_broken_parts_are_listed()
    {
        // A folder name, config value, class names and CSV cell that are markup; a "picture" that is not one.
        var dir = Directory.CreateTempSubdirectory("vt-report-<b>&").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "config.yaml"), "# <script>alert(1)</script>\nlr: 0.001\n");
            File.WriteAllText(Path.Combine(dir, "metrics.csv"), "epoch,note\n1,\"<i>a, b</i>\"\n");
            File.WriteAllText(Path.Combine(dir, "results.json"),
                """{"model": "vivit<img src=x>", "dataset": "kth", "classes": ["<b>box</b>", "a&b"], "test_per_class_accuracy": [0.5, 1], "train_seconds": 75.5, "world_size": 2}""");
            File.WriteAllText(Path.Combine(dir, "learning_curves.svg"), "<html>not an svg</html>");
            File.WriteAllBytes(Path.Combine(dir, "attention.png"), [1, 2, 3]);

            var html = RunReport.Render(dir);

            html.Should().NotContain("<script>").And.NotContain("<b>box</b>").And.NotContain("<i>a, b</i>").And.NotContain("<img src=x>")
                .And.NotContain("vt-report-<b>&");
            html.Should().Contain("&lt;script&gt;alert(1)&lt;/script&gt;").And.Contain("&lt;b&gt;box&lt;/b&gt;").And.Contain("a&amp;b")
                .And.Contain("&lt;i&gt;a, b&lt;/i&gt;").And.Contain("vt-report-&lt;b&gt;&amp;");
            // No picture is embedded: one is missing and two are not what their names say.
            html.Should().NotContain("<img");
            html.Should().Contain("Missing parts").And.Contain("confusion_matrix.svg (written when the run ends")
                .And.Contain("learning_curves.svg is not embedded: its root element is &lt;html&gt;").And.Contain("attention.png is not embedded: it is not a PNG image");
            html.Should().Contain("1m 15s");
            // No command was recorded: it is reconstructed from config.yaml and results.json, quoted for a shell.
            html.Should().Contain("reconstructed").And.Contain("--model &#x27;vivit&lt;img src=x&gt;&#x27; --dataset kth --data PATH");
            // A data-parallel run is reproduced under mpiexec with as many ranks.
            html.Should().Contain("<pre>mpiexec -n 2 vt train --config ");
        }
        finally { Directory.Delete(dir, true); }
    }

    /// <summary>A copy of the run folder's report inputs without <paramref name="left"/>; returns its report.html.</summary>
    private static string Partial(string run, string dir, IReadOnlyCollection<string> left)
    {
        Directory.CreateDirectory(dir);
        foreach (var f in new[] { "config.yaml", "metrics.csv", "results.json" }.Concat(Pictures).Except(left))
            File.Copy(Path.Combine(run, f), Path.Combine(dir, f));
        return RunReport.Write(dir);
    }

    /// <summary>
    /// The coloured pixels of the page's screenshot (max - min channel of at least 48: not white, gray or black text)
    /// and how many distinct colours they have.
    /// </summary>
    private static (int Pixels, int Distinct) Colours(Chromium chromium, string html, string png)
    {
        File.Delete(png);
        chromium.Screenshot(html, png, 1200, 3000);
        using var bitmap = SKBitmap.Decode(png) ?? throw new InvalidDataException($"{png} is not an image SkiaSharp can decode.");
        bitmap.Width.Should().Be(1200);
        var distinct = new HashSet<SKColor>();
        var pixels = 0;
        foreach (var c in bitmap.Pixels)
        {
            var max = Math.Max(c.Red, Math.Max(c.Green, c.Blue));
            var min = Math.Min(c.Red, Math.Min(c.Green, c.Blue));
            if (max - min < 48) continue;
            pixels++;
            distinct.Add(c);
        }
        return (pixels, distinct.Count);
    }
}
