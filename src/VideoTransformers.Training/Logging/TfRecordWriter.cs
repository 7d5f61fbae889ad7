using System.Buffers.Binary;

namespace VideoTransformers.Training.Logging;

/// <summary>
/// Frames records as TFRecord: uint64 length, masked CRC-32C of the length bytes, the data, masked CRC-32C
/// of the data (all little-endian).
/// </summary>
internal sealed class TfRecordWriter(Stream stream)
{
    public void Write(ReadOnlySpan<byte> data)
    {
        Span<byte> header = stackalloc byte[12];
        BinaryPrimitives.WriteUInt64LittleEndian(header, (ulong)data.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], TfRecordChecksum.Masked(header[..8]));
        Span<byte> footer = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(footer, TfRecordChecksum.Masked(data));
        stream.Write(header);
        stream.Write(data);
        stream.Write(footer);
    }
}
