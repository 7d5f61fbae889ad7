using System.Runtime.InteropServices;
using System.Text;

namespace VideoTransformers.Training.Distributed.Mpi;

/// <summary>
/// The MPI C library, opened by path and bound through function pointers to the few functions the collectives need.
/// The handles (<c>MPI_Comm</c>, <c>MPI_Datatype</c>, <c>MPI_Op</c>, <c>MPI_Request</c>) are those of the MPICH ABI:
/// 32-bit integers with the constant values of MPICH's <c>mpi.h</c>, shared by MPICH, Intel MPI, MVAPICH and
/// Microsoft MPI. Open MPI uses pointers for them and is refused with a clear message rather than miscalled.
/// </summary>
internal sealed unsafe class MpiLibrary
{
    /// <summary>Overrides the library to load (a path or a file name); see docs/distributed.md.</summary>
    public const string PathVariable = "VT_MPI_LIBRARY";

    public const int CommWorld = 0x44000000;
    public const int Sum = 0x58000003;
    public const int Byte = 0x4c00010d;
    public const int Float = 0x4c00040a;
    public const int Double = 0x4c00080b;
    public const int Int = 0x4c000405;
    public const int Int64 = 0x4c00083a;
    public const int ErrorsReturn = 0x54000001;
    public const int ThreadSerialized = 2;
    public const int Success = 0;
    public static readonly void* InPlace = (void*)-1;
    public static readonly void* StatusIgnore = (void*)1;

    public const string InstallHint =
        "Install MPICH (Debian/Ubuntu: apt-get install mpich; it brings libmpich.so.12 and mpiexec), or point " + PathVariable +
        " at an MPICH-compatible libmpi (MPICH, Intel MPI, MVAPICH; MS-MPI's msmpi.dll on Windows).";

    private MpiLibrary(string path, IntPtr handle)
    {
        Path = path;
        Initialized = (delegate* unmanaged<int*, int>)Export(handle, "MPI_Initialized");
        Finalized = (delegate* unmanaged<int*, int>)Export(handle, "MPI_Finalized");
        InitThread = (delegate* unmanaged<int*, byte***, int, int*, int>)Export(handle, "MPI_Init_thread");
        Finalize = (delegate* unmanaged<int>)Export(handle, "MPI_Finalize");
        CommRank = (delegate* unmanaged<int, int*, int>)Export(handle, "MPI_Comm_rank");
        CommSize = (delegate* unmanaged<int, int*, int>)Export(handle, "MPI_Comm_size");
        CommSetErrhandler = (delegate* unmanaged<int, int, int>)Export(handle, "MPI_Comm_set_errhandler");
        Iallreduce = (delegate* unmanaged<void*, void*, int, int, int, int, int*, int>)Export(handle, "MPI_Iallreduce");
        Ibcast = (delegate* unmanaged<void*, int, int, int, int, int*, int>)Export(handle, "MPI_Ibcast");
        Ibarrier = (delegate* unmanaged<int, int*, int>)Export(handle, "MPI_Ibarrier");
        Test = (delegate* unmanaged<int*, int*, void*, int>)Export(handle, "MPI_Test");
        ErrorString = (delegate* unmanaged<int, byte*, int*, int>)Export(handle, "MPI_Error_string");
        GetLibraryVersion = (delegate* unmanaged<byte*, int*, int>)Export(handle, "MPI_Get_library_version");
        Version = ReadString(GetLibraryVersion, 8192);
    }

    /// <summary>The file that was loaded.</summary>
    public string Path { get; }

    /// <summary>MPI_Get_library_version's text, e.g. "MPICH Version: 4.0.2 …".</summary>
    public string Version { get; }

    public readonly delegate* unmanaged<int*, int> Initialized;
    public readonly delegate* unmanaged<int*, int> Finalized;
    public readonly delegate* unmanaged<int*, byte***, int, int*, int> InitThread;
    public readonly delegate* unmanaged<int> Finalize;
    public readonly delegate* unmanaged<int, int*, int> CommRank;
    public readonly delegate* unmanaged<int, int*, int> CommSize;
    public readonly delegate* unmanaged<int, int, int> CommSetErrhandler;
    public readonly delegate* unmanaged<void*, void*, int, int, int, int, int*, int> Iallreduce;
    public readonly delegate* unmanaged<void*, int, int, int, int, int*, int> Ibcast;
    public readonly delegate* unmanaged<int, int*, int> Ibarrier;
    public readonly delegate* unmanaged<int*, int*, void*, int> Test;
    public readonly delegate* unmanaged<int, byte*, int*, int> ErrorString;
    public readonly delegate* unmanaged<byte*, int*, int> GetLibraryVersion;

    /// <summary>The library names tried in order when <see cref="PathVariable"/> is not set.</summary>
    public static string[] DefaultNames =>
        OperatingSystem.IsWindows() ? ["msmpi.dll"]
        : OperatingSystem.IsMacOS() ? ["libmpi.12.dylib", "libmpich.12.dylib"]
        // libmpi.so.12 is MPICH's generic name (also Intel MPI's and MVAPICH's); Debian's libmpich12 ships only libmpich.so.12.
        : ["libmpi.so.12", "libmpich.so.12"];

    /// <summary>
    /// Opens the MPI library named by <see cref="PathVariable"/>, else the first of <see cref="DefaultNames"/> found.
    /// </summary>
    /// <exception cref="MpiException">No library could be opened, it lacks an MPI function, or it is Open MPI.</exception>
    public static MpiLibrary Load(Func<string, string?>? getVariable = null)
    {
        getVariable ??= Environment.GetEnvironmentVariable;
        var overridden = getVariable(PathVariable);
        var names = string.IsNullOrWhiteSpace(overridden) ? DefaultNames : [overridden.Trim()];
        var failures = new List<string>();
        foreach (var name in names)
        {
            if (!NativeLibrary.TryLoad(name, out var handle))
            {
                failures.Add(name);
                continue;
            }
            if (NativeLibrary.TryGetExport(handle, "ompi_mpi_comm_world", out _))
                throw new MpiException($"{name} is Open MPI, whose MPI handles are pointers; VideoTransformers binds the MPICH ABI. {InstallHint}");
            try
            {
                return new MpiLibrary(name, handle);
            }
            catch (EntryPointNotFoundException e)
            {
                throw new MpiException($"{name} was loaded but is not a usable MPI library ({e.Message}). {InstallHint}", e);
            }
        }
        var tried = string.IsNullOrWhiteSpace(overridden)
            ? $"none of {string.Join(", ", failures)} could be loaded"
            : $"{PathVariable}={overridden} could not be loaded";
        throw new MpiException($"MPI is not available: {tried}. {InstallHint}");
    }

    /// <summary>MPI's text for an error code.</summary>
    public string Describe(int code)
    {
        var buffer = stackalloc byte[1024];
        var length = 0;
        return ErrorString(code, buffer, &length) == Success
            ? Encoding.UTF8.GetString(buffer, Math.Clamp(length, 0, 1023)).Trim()
            : $"MPI error code {code}";
    }

    private static IntPtr Export(IntPtr handle, string name) => NativeLibrary.GetExport(handle, name);

    private static string ReadString(delegate* unmanaged<byte*, int*, int> get, int capacity)
    {
        var buffer = new byte[capacity];
        var length = 0;
        fixed (byte* p = buffer)
            if (get(p, &length) != Success) return "unknown MPI version";
        return Encoding.UTF8.GetString(buffer, 0, Math.Clamp(length, 0, capacity)).TrimEnd('\0').Trim();
    }
}
