using System.Runtime.CompilerServices;
using VideoTransformers.Torch.Native;

namespace VideoTransformers.Data.Video;

/// <summary>Routes this assembly's P/Invokes through the Torch assembly's loader, which finds the shim in a NuGet layout too.</summary>
internal static class NativeResolver
{
    // Must run before the first video P/Invoke, whichever type makes it.
#pragma warning disable CA2255
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Init() => NativeLibraryLoader.RegisterResolver(typeof(NativeResolver).Assembly);
}
