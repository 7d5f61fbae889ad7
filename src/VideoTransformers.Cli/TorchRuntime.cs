using System.Runtime.InteropServices;
using TorchSharp;

namespace VideoTransformers.Cli;

/// <summary>libtorch could not be loaded; the message says what was searched and what to install.</summary>
public sealed class NativeLoadException(string message) : Exception(message);

/// <summary>Loads TorchSharp's native backend up front, so that a broken installation fails with one clear message.</summary>
public static class TorchRuntime
{
    /// <summary>TorchSharp's native bridge on this OS (it pulls in libtorch).</summary>
    public static string BridgeFileName =>
        OperatingSystem.IsWindows() ? "LibTorchSharp.dll" : OperatingSystem.IsMacOS() ? "libLibTorchSharp.dylib" : "libLibTorchSharp.so";

    /// <summary>
    /// Initialises libtorch for the CPU, or throws <see cref="NativeLoadException"/>. When the native files are
    /// missing, TorchSharp prints a page of probing trace to stdout (where vt's JSON goes) and throws from the type
    /// initializer of <c>torch</c>, with a stack trace; here stdout is held back during the load and the failure is
    /// turned into a message naming the library, the folders searched and the package that provides it.
    /// </summary>
    public static void EnsureLoaded()
    {
        var stdout = Console.Out;
        Console.SetOut(TextWriter.Null);
        try
        {
            torch.InitializeDeviceType(DeviceType.CPU);
        }
        catch (Exception e) when (e is TypeInitializationException or NotSupportedException or DllNotFoundException)
        {
            throw new NativeLoadException(Describe());
        }
        finally
        {
            Console.SetOut(stdout);
        }
    }

    /// <summary>The folders the .NET host gives for native libraries, then the application folder and its runtimes/RID/native.</summary>
    public static IReadOnlyList<string> SearchDirectories()
    {
        var fromHost = (AppContext.GetData("NATIVE_DLL_SEARCH_DIRECTORIES") as string ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        var app = AppContext.BaseDirectory;
        return fromHost.Append(app).Append(Path.Combine(app, "runtimes", RuntimeInformation.RuntimeIdentifier, "native"))
            .Select(d => Path.TrimEndingDirectorySeparator(Path.GetFullPath(d))).Distinct().ToList();
    }

    private static string Describe()
    {
        var dirs = SearchDirectories();
        var install = "vt finds libtorch through its TorchSharp backend package, which the build copies beside it (runtimes/<rid>/native): " +
                      "TorchSharp-cpu, or TorchSharp-cuda-linux / TorchSharp-cuda-windows for NVIDIA GPUs. Rebuild and publish vt with one " +
                      "(./build.sh build, or dotnet publish src/VideoTransformers.Cli) and run the published folder as a whole.";
        var found = dirs.Select(d => Path.Combine(d, BridgeFileName)).FirstOrDefault(File.Exists);
        if (found is null)
            return $"libtorch could not be loaded: TorchSharp's native library {BridgeFileName} is missing. Searched: {string.Join(", ", dirs)}. {install}";
        string why;
        try
        {
            NativeLibrary.Free(NativeLibrary.Load(found));
            why = "it loads on its own, so one of the libtorch libraries beside it is missing or does not load";
        }
        catch (DllNotFoundException e) { why = e.Message; }
        catch (BadImageFormatException e) { why = e.Message; }
        var glibcxx = why.Contains("GLIBCXX", StringComparison.Ordinal)
            ? " The system libstdc++ is older than the one TorchSharp was built with: the VideoTransformers build patches the copy in its output " +
              "for that (Debian 12, Ubuntu 22.04); a copy taken from elsewhere is unpatched."
            : "";
        return $"libtorch could not be loaded: {found} is there but failed to load ({why}).{glibcxx} Searched: {string.Join(", ", dirs)}. {install}";
    }
}
