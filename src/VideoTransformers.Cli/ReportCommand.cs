using Microsoft.Extensions.Logging;
using VideoTransformers.Training.Reporting;

namespace VideoTransformers.Cli;

/// <summary><c>vt report</c>: the self-contained HTML page of a run folder.</summary>
public static class ReportCommand
{
    /// <summary>The text of <c>vt report --help</c>.</summary>
    public const string Usage = """
        vt report [--out FILE] RUN_DIR
          Writes report.html into RUN_DIR (or FILE): one self-contained page with the results and timings, the command
          that reproduces the run, the learning curves, the confusion matrix, the attention overlay, the per-class
          accuracy, the metrics of every epoch and config.yaml. The pictures are embedded; the page needs no network
          and no JavaScript. vt train writes it at the end of every run; this rewrites it, e.g. for an older run or an
          interrupted one. Parts the folder lacks are listed on the page (and as warnings). Prints the page's path.
        """;

    /// <summary>Runs <c>vt report</c>; returns the exit code.</summary>
    public static int Run(string[] argv)
    {
        var a = new Args(argv, new[] { "out" }, Array.Empty<string>());
        if (a.Help)
        {
            Console.WriteLine(Usage);
            return 0;
        }
        if (a.Positionals.Count != 1) throw new UsageException($"Expected one run folder.\n\n{Usage}");
        // Warnings only (the missing parts), on stderr: stdout is the page's path alone, for scripts.
        using var loggerFactory = LoggerFactory.Create(b =>
        {
            b.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
            b.AddSimpleConsole(o => o.SingleLine = true);
            b.SetMinimumLevel(LogLevel.Warning);
        });
        var path = RunReport.Write(a.Positionals[0], loggerFactory.CreateLogger("vt.report"), a.Get("out"));
        Console.WriteLine(path);
        return 0;
    }
}
