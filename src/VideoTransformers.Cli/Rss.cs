namespace VideoTransformers.Cli;

/// <summary>Reads the process's peak resident set size (VmHWM) from /proc.</summary>
public static class Rss
{
    /// <summary>Peak RSS in MiB, or -1 where /proc is not available.</summary>
    public static double PeakMb()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                    return double.Parse(line[6..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) / 1024.0;
        }
        catch (IOException) { }
        return -1;
    }
}
