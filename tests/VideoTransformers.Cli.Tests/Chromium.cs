using VideoTransformers.TestSupport;
using Xunit;

namespace VideoTransformers.Cli.Tests;

/// <summary>
/// Headless Chromium (Debian's <c>chromium</c> package, which build.sh installs) to open a page as a reader would.
/// Under CI (<c>CI=true</c>) a missing browser is a failure; elsewhere the test is skipped with a message.
/// </summary>
internal sealed class Chromium
{
    private static readonly string[] Names = ["chromium", "chromium-browser"];

    private Chromium(string path) => Path = path;

    /// <summary>The browser's executable.</summary>
    public string Path { get; }

    /// <summary>The browser on PATH, or skips (fails under CI) when there is none.</summary>
    public static Chromium Require()
    {
        var dirs = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        var found = Names.SelectMany(n => dirs.Select(d => System.IO.Path.Combine(d, n))).FirstOrDefault(File.Exists);
        if (found is not null) return new Chromium(found);
        var msg = "Headless Chromium (chromium or chromium-browser on PATH) is needed to check that report.html renders; " +
                  "on Debian: apt-get install --no-install-recommends chromium (./build.sh deps installs it).";
        if (SharedData.IsCI) throw new InvalidOperationException("CI=true and " + msg);
        Skip.If(true, msg);
        return null!;
    }

    /// <summary>The DOM of <paramref name="html"/> after the browser has loaded it.</summary>
    public string DumpDom(string html) => Run("--dump-dom", Url(html)).stdout;

    /// <summary>A PNG screenshot of <paramref name="html"/> in a window of the given size, written to <paramref name="png"/>.</summary>
    public void Screenshot(string html, string png, int width, int height)
    {
        Run($"--screenshot={png}", $"--window-size={width},{height}", "--hide-scrollbars", Url(html));
        if (!File.Exists(png)) throw new InvalidOperationException($"Chromium wrote no screenshot of {html}.");
    }

    private static string Url(string html) => new Uri(System.IO.Path.GetFullPath(html)).AbsoluteUri;

    private (string stdout, string stderr) Run(params string[] args)
    {
        // A profile of its own, so that parallel tests and a user's browser do not share (and lock) one.
        var profile = Directory.CreateTempSubdirectory("vt-chromium").FullName;
        try
        {
            using var p = new ChildProcess("chromium", Path,
                ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", $"--user-data-dir={profile}", .. args]);
            if (!ChildProcess.WaitAll(TimeSpan.FromMinutes(1), p).GetAwaiter().GetResult())
                throw new TimeoutException("chromium " + string.Join(' ', args));
            if (p.ExitCode != 0) throw new InvalidOperationException($"chromium {string.Join(' ', args)} exited with {p.ExitCode}: {p.StandardError}");
            return (p.StandardOutput, p.StandardError);
        }
        finally { Directory.Delete(profile, true); }
    }
}
