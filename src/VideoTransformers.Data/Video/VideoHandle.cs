using System.Runtime.InteropServices;

namespace VideoTransformers.Data.Video;

/// <summary>Owns a native <c>vt_video*</c>; releasing it closes the file and frees the decoder.</summary>
internal sealed class VideoHandle : SafeHandle
{
    /// <summary>Used by the P/Invoke marshaller.</summary>
    public VideoHandle()
        : base(0, ownsHandle: true)
    {
    }

    /// <inheritdoc />
    public override bool IsInvalid => handle == 0;

    /// <inheritdoc />
    protected override bool ReleaseHandle()
    {
        VideoNative.Close(handle);
        return true;
    }
}
