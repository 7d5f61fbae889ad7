using Xunit;

namespace VideoTransformers.TestSupport;

/// <summary>
/// Locates the real third-party data in <c>../shared/data</c> beside the checkout.
/// Under CI (<c>CI=true</c>) missing data is a failure; elsewhere the test is skipped with a message.
/// </summary>
public static class SharedData
{
    /// <summary>The repository root (the folder holding VideoTransformers.sln).</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>True when running under CI.</summary>
    public static bool IsCI => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The shared data root, which may not exist.</summary>
    public static string Root => Environment.GetEnvironmentVariable("VT_SHARED_DATA")
        ?? Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "data"));

    /// <summary>Returns the full path of a file or folder under the shared data, or skips/fails when it is missing.</summary>
    public static string Require(string relative)
    {
        var path = Path.Combine(Root, relative);
        if (File.Exists(path) || Directory.Exists(path)) return path;
        var msg = $"Shared test data '{relative}' not found under '{Root}'. " +
                  "Place the real data in ../shared/data beside the checkout (see its README) or set VT_SHARED_DATA.";
        if (IsCI) throw new InvalidOperationException("CI=true and " + msg);
        Skip.If(true, msg);
        return path;
    }

    private static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir != null && !File.Exists(Path.Combine(dir.FullName, "VideoTransformers.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Cannot find VideoTransformers.sln above " + AppContext.BaseDirectory);
    }
}
