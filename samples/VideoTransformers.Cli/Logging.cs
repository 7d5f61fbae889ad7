using Microsoft.Extensions.Logging;

namespace VideoTransformers.Cli;

/// <summary>Console logging for the CLI (libraries log through ILogger; the program decides where it goes).</summary>
public static class Logging
{
    public static ILoggerFactory Create(bool quiet) => LoggerFactory.Create(b =>
    {
        b.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; });
        b.SetMinimumLevel(quiet ? LogLevel.Warning : LogLevel.Information);
    });
}
