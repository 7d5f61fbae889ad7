using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace VideoTransformers.Data.IO;

/// <summary>
/// Writes <see cref="NpyArray"/> values as NumPy <c>.npy</c> files that <c>numpy.load</c> reads
/// (C order, format 1.0, or 2.0 when the header does not fit in 64 KiB).
/// </summary>
public static class NpyWriter
{
    // numpy aligns the start of the data to 64 bytes so that memory-mapped arrays are aligned for any dtype.
    private const int Alignment = 64;

    /// <summary>Writes <paramref name="array"/> to a new file at <paramref name="path"/>, replacing any existing file.</summary>
    public static void Write(string path, NpyArray array)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        Write(stream, array);
    }

    /// <summary>Writes <paramref name="array"/> at the current position of <paramref name="stream"/>, which is left open.</summary>
    public static void Write(Stream stream, NpyArray array)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(array);
        stream.Write(BuildPreamble(array));
        stream.Write(array.Data.Span);
    }

    internal static byte[] BuildPreamble(NpyArray array)
    {
        var shape = array.Shape.Length switch
        {
            0 => "()",
            1 => $"({array.Shape[0].ToString(CultureInfo.InvariantCulture)},)",
            _ => "(" + string.Join(", ", array.Shape.Select(d => d.ToString(CultureInfo.InvariantCulture))) + ")",
        };
        var dict = $"{{'descr': '{array.DType}', 'fortran_order': False, 'shape': {shape}, }}";

        var major = 1;
        var prefix = 10;
        var total = Align(prefix + dict.Length + 1);
        if (total - prefix > ushort.MaxValue)
        {
            major = 2;
            prefix = 12;
            total = Align(prefix + dict.Length + 1);
        }
        var header = dict + new string(' ', total - prefix - dict.Length - 1) + "\n";

        var bytes = new byte[total];
        NpyReader.Magic.CopyTo(bytes);
        bytes[6] = (byte)major;
        bytes[7] = 0;
        if (major == 1) BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)header.Length);
        else BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), (uint)header.Length);
        Encoding.Latin1.GetBytes(header, bytes.AsSpan(prefix));
        return bytes;
    }

    private static int Align(int n) => (n + Alignment - 1) / Alignment * Alignment;
}
