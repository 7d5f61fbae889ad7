using System.Runtime.InteropServices;
using VideoTransformers.Torch.Native;

namespace VideoTransformers.Torch;

/// <summary>Owns the native process group (TCPStore + ProcessGroupGloo); releasing it closes the connections.</summary>
internal sealed class ProcessGroupHandle : SafeHandle
{
    internal ProcessGroupHandle(IntPtr h) : base(IntPtr.Zero, true) => SetHandle(h);

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        NativeMethods.vt_dist_destroy(handle);
        return true;
    }
}
