using Microsoft.Extensions.Logging;
using VideoTransformers.Data.Sources;

namespace VideoTransformers.Cli;

/// <summary>
/// <see cref="DataSources.Build"/> for the commands: a missing <c>--data</c> or a bad <c>--split</c> is checked first and
/// reported as a usage error (exit code 2) in the command line's own terms.
/// </summary>
internal static class CliData
{
    /// <summary>Checks the dataset arguments, then builds the bundle.</summary>
    /// <exception cref="UsageException">No --data for a dataset that reads one, or a --split that does not parse.</exception>
    public static DataBundle Build(string dataset, string? path, DataOptions options, ILogger logger)
    {
        if (DataSources.PathDescription(dataset) is { } needs && path is null)
            throw new UsageException($"--data PATH ({needs}) is required for {dataset}.");
        if (dataset == "kth")
        {
            try
            {
                DataSources.ParseKthSplit(options.KthSplit);
            }
            catch (ArgumentException e)
            {
                throw new UsageException("--split: " + e.Message);
            }
        }
        return DataSources.Build(dataset, path, options, logger);
    }
}
