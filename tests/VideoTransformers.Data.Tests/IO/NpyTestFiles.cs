using System.Buffers.Binary;
using System.Text;

namespace VideoTransformers.Data.Tests.IO;

/// <summary>Builds .npy bytes by hand so tests control every header detail independently of NpyWriter.</summary>
internal static class NpyTestFiles
{
    public static byte[] Raw(string headerDict, byte[] data, int major = 1, int minor = 0)
    {
        var prefix = major == 1 ? 10 : 12;
        var encoding = major == 3 ? Encoding.UTF8 : Encoding.Latin1;
        var header = headerDict;
        while ((prefix + encoding.GetByteCount(header) + 1) % 64 != 0) header += " ";
        header += "\n";
        var headerBytes = encoding.GetBytes(header);
        using var ms = new MemoryStream();
        ms.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', (byte)major, (byte)minor]);
        var len = new byte[major == 1 ? 2 : 4];
        if (major == 1) BinaryPrimitives.WriteUInt16LittleEndian(len, (ushort)headerBytes.Length);
        else BinaryPrimitives.WriteUInt32LittleEndian(len, (uint)headerBytes.Length);
        ms.Write(len);
        ms.Write(headerBytes);
        ms.Write(data);
        return ms.ToArray();
    }

    public static string Header(string descr, bool fortran, string shape) =>
        $"{{'descr': '{descr}', 'fortran_order': {(fortran ? "True" : "False")}, 'shape': {shape}, }}";

    public static byte[] NpyBytes(VideoTransformers.Data.IO.NpyArray array)
    {
        using var ms = new MemoryStream();
        VideoTransformers.Data.IO.NpyWriter.Write(ms, array);
        return ms.ToArray();
    }

    public static string TempDir()
    {
        var dir = Path.Combine(Path.GetTempPath(), "vt-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }
}
