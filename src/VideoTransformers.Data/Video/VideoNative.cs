using System.Runtime.InteropServices;

namespace VideoTransformers.Data.Video;

/// <summary>P/Invoke declarations for the decoder exports of the native shim (see video.cpp).</summary>
internal static partial class VideoNative
{
    private const string Lib = "videotransformers_native";

    [LibraryImport(Lib, EntryPoint = "vt_video_open", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial VideoHandle Open(string path);

    [LibraryImport(Lib, EntryPoint = "vt_video_close")]
    internal static partial void Close(nint handle);

    [LibraryImport(Lib, EntryPoint = "vt_video_info")]
    internal static partial int Info(VideoHandle handle, out long frameCount, out double fps, out int width, out int height, out double duration);

    [LibraryImport(Lib, EntryPoint = "vt_video_decode")]
    internal static unsafe partial int Decode(VideoHandle handle, long start, long count, long step, int outWidth, int outHeight,
        int channels, byte* dst, long dstCapacityFrames, out long framesWritten);

    [LibraryImport(Lib, EntryPoint = "vt_last_error")]
    private static partial nint LastErrorPtr();

    /// <summary>The message of the last failing native call on this thread.</summary>
    internal static string LastError()
    {
        var p = LastErrorPtr();
        var s = p == 0 ? null : Marshal.PtrToStringUTF8(p);
        return string.IsNullOrEmpty(s) ? "unknown native error" : s;
    }
}
