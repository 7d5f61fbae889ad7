using Microsoft.Extensions.Logging;

namespace VideoTransformers.Cli;

/// <summary>Console logging for the CLI (libraries log through ILogger; the program decides where it goes).</summary>
public static class Logging
{
    /// <summary>The console logger factory of the CLI; <paramref name="quiet"/> keeps only warnings and errors.</summary>
    public static ILoggerFactory Create(bool quiet) => LoggerFactory.Create(b =>
    {
        b.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; });
        b.SetMinimumLevel(quiet ? LogLevel.Warning : LogLevel.Information);
    });
}
