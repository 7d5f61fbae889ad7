using System.Buffers.Binary;
using Google.Protobuf;

namespace VideoTransformers.Training.Tests.Logging;

/// <summary>
/// An independent TFRecord + Event decoder for the tests: checks both masked CRCs of every record the way
/// TensorBoard's reader does (with its own bit-by-bit CRC-32C and unmasking, not the writer's), and decodes the
/// protobuf fields with CodedInputStream.
/// </summary>
internal static class TfEventReader
{
    public static List<TfEvent> ReadFile(string path)
    {
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var ms = new MemoryStream();
        fs.CopyTo(ms);
        return Read(ms.ToArray());
    }

    public static List<TfEvent> Read(byte[] file)
    {
        var events = new List<TfEvent>();
        var pos = 0;
        while (pos < file.Length)
        {
            if (file.Length - pos < 12) throw new InvalidDataException($"truncated record header at {pos}");
            var lengthBytes = file.AsSpan(pos, 8);
            var length = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
            var lengthCrc = BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(pos + 8, 4));
            if (Unmask(lengthCrc) != BitwiseCrc32C(lengthBytes))
                throw new InvalidDataException($"length CRC mismatch in the record at {pos}");
            if (length > (ulong)(file.Length - pos - 16)) throw new InvalidDataException($"truncated record data at {pos}");
            var data = file.AsSpan(pos + 12, (int)length);
            var dataCrc = BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(pos + 12 + (int)length, 4));
            if (Unmask(dataCrc) != BitwiseCrc32C(data))
                throw new InvalidDataException($"data CRC mismatch in the record at {pos}");
            events.Add(DecodeEvent(data.ToArray()));
            pos += 16 + (int)length;
        }
        return events;
    }

    /// <summary>CRC-32C one bit at a time from the reflected Castagnoli polynomial, as RFC 3720 defines it.</summary>
    public static uint BitwiseCrc32C(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;
        }
        return ~crc;
    }

    /// <summary>Undoes TensorFlow's masking (crc_util.unmask: subtract the delta, rotate left by 15).</summary>
    public static uint Unmask(uint masked)
    {
        var rotated = unchecked(masked - 0xA282EAD8u);
        return (rotated >> 17) | (rotated << 15);
    }

    private static TfEvent DecodeEvent(byte[] bytes)
    {
        var input = new CodedInputStream(bytes);
        double wall = 0;
        long step = 0;
        string? version = null;
        var scalars = new List<(string, float)>();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1: wall = input.ReadDouble(); break;
                case 2: step = input.ReadInt64(); break;
                case 3: version = input.ReadString(); break;
                case 5: scalars.AddRange(DecodeSummary(input.ReadBytes().ToByteArray())); break;
                default: input.SkipLastField(); break;
            }
        }
        return new TfEvent(wall, step, version, scalars);
    }

    private static IEnumerable<(string, float)> DecodeSummary(byte[] bytes)
    {
        var input = new CodedInputStream(bytes);
        var result = new List<(string, float)>();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (WireFormat.GetTagFieldNumber(tag) != 1) { input.SkipLastField(); continue; }
            var value = new CodedInputStream(input.ReadBytes().ToByteArray());
            string name = "";
            var simple = float.NaN;
            uint vt;
            while ((vt = value.ReadTag()) != 0)
            {
                switch (WireFormat.GetTagFieldNumber(vt))
                {
                    case 1: name = value.ReadString(); break;
                    case 2: simple = value.ReadFloat(); break;
                    default: value.SkipLastField(); break;
                }
            }
            result.Add((name, simple));
        }
        return result;
    }
}
