using System.Runtime.InteropServices;

namespace VideoTransformers.Torch.Native;

/// <summary>Turns the shim's failure values into <see cref="TorchException"/>s carrying libtorch's message.</summary>
internal static class Check
{
    internal static string LastError()
    {
        var p = NativeMethods.vt_last_error();
        var msg = p == IntPtr.Zero ? null : Marshal.PtrToStringUTF8(p);
        return string.IsNullOrEmpty(msg) ? "unknown libtorch error" : msg;
    }

    internal static IntPtr Handle(IntPtr h)
    {
        if (h == IntPtr.Zero) throw new TorchException(LastError());
        return h;
    }

    internal static void Status(int rc)
    {
        if (rc < 0) throw new TorchException(LastError());
    }

    internal static int Value(int rc)
    {
        if (rc < 0) throw new TorchException(LastError());
        return rc;
    }

    internal static long Value(long rc)
    {
        if (rc < 0) throw new TorchException(LastError());
        return rc;
    }
}
