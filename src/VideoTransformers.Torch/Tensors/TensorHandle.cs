using System.Runtime.InteropServices;
using VideoTransformers.Torch.Native;

namespace VideoTransformers.Torch;

/// <summary>Owns one native <c>at::Tensor*</c>; releasing it drops libtorch's reference.</summary>
internal sealed class TensorHandle : SafeHandle
{
    internal TensorHandle(IntPtr h) : base(IntPtr.Zero, true) => SetHandle(h);

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        NativeMethods.vt_tensor_free(handle);
        return true;
    }
}
