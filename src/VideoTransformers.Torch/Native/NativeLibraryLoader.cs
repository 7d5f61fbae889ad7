using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace VideoTransformers.Torch.Native;

/// <summary>
/// Finds and loads the native shim (<c>libvideotransformers_native.so</c>) and checks its ABI version.
/// When loading fails, the exception names the library, every path searched, the loader's reason and what to install.
/// </summary>
public static class NativeLibraryLoader
{
    /// <summary>The ABI version this managed assembly was written against (VT_ABI_VERSION in shim.h).</summary>
    public const int ExpectedAbiVersion = 4;

    private const string FileName = "libvideotransformers_native.so";
    private static readonly object Gate = new();
    private static IntPtr _handle;

    /// <summary>Loads the shim now (it is otherwise loaded on first use) and returns its handle.</summary>
    public static IntPtr EnsureLoaded()
    {
        if (_handle != IntPtr.Zero) return _handle;
        lock (Gate)
        {
            if (_handle != IntPtr.Zero) return _handle;
            var searched = new List<string>();
            var reasons = new List<string>();
            foreach (var candidate in CandidatePaths())
            {
                searched.Add(candidate);
                if (!File.Exists(candidate)) continue;
                try
                {
                    var h = NativeLibrary.Load(candidate);
                    CheckAbi(h, candidate);
                    _handle = h;
                    return h;
                }
                catch (DllNotFoundException e) { reasons.Add(e.Message); }
                catch (BadImageFormatException e) { reasons.Add(e.Message); }
            }
            throw new DllNotFoundException(
                $"Could not load the VideoTransformers native shim '{FileName}'.\n" +
                $"Searched:\n  {string.Join("\n  ", searched)}\n" +
                (reasons.Count > 0 ? $"Loader errors:\n  {string.Join("\n  ", reasons)}\n" : "The file was not found in any of those places.\n") +
                "The shim needs libtorch and OpenBLAS: on Debian run 'apt-get install libtorch1.13 libopenblas0-pthread', " +
                "or set VT_NATIVE_PATH to the folder holding the shim.");
        }
    }

    /// <summary>Routes an assembly's <c>[DllImport("videotransformers_native")]</c> calls through this loader.</summary>
    public static void RegisterResolver(Assembly assembly)
    {
        try
        {
            NativeLibrary.SetDllImportResolver(assembly, (name, _, _) =>
                name == NativeMethods.Lib ? EnsureLoaded() : IntPtr.Zero);
        }
        catch (InvalidOperationException)
        {
            // A resolver was already set for this assembly; keep it.
        }
    }

    // The resolver must be in place before the first P/Invoke of this assembly, whichever type makes it.
#pragma warning disable CA2255
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Init() => RegisterResolver(typeof(NativeLibraryLoader).Assembly);

    private static IEnumerable<string> CandidatePaths()
    {
        var env = Environment.GetEnvironmentVariable("VT_NATIVE_PATH");
        if (!string.IsNullOrEmpty(env)) yield return Path.Combine(env, FileName);
        var asmDir = Path.GetDirectoryName(typeof(NativeLibraryLoader).Assembly.Location);
        foreach (var dir in new[] { asmDir, AppContext.BaseDirectory }.Where(d => !string.IsNullOrEmpty(d)).Distinct())
        {
            yield return Path.Combine(dir!, FileName);
            yield return Path.Combine(dir!, "runtimes", "linux-x64", "native", FileName);
        }
        // A package consumer's NuGet cache layout: lib/net10.0/../../runtimes/linux-x64/native.
        if (!string.IsNullOrEmpty(asmDir))
            yield return Path.GetFullPath(Path.Combine(asmDir, "..", "..", "runtimes", "linux-x64", "native", FileName));
    }

    private static unsafe void CheckAbi(IntPtr handle, string path)
    {
        if (!NativeLibrary.TryGetExport(handle, "vt_abi_version", out var fn))
            throw new DllNotFoundException($"'{path}' is not a VideoTransformers native shim (no vt_abi_version export).");
        var version = ((delegate* unmanaged<int>)fn)();
        if (version != ExpectedAbiVersion)
            throw new DllNotFoundException(
                $"Native shim ABI mismatch: '{path}' reports version {version}, this assembly expects {ExpectedAbiVersion}. Rebuild the shim (./build.sh build).");
    }
}
