using System.Buffers.Binary;

namespace VideoTransformers.Data.IO;

/// <summary>A parsed numpy scalar descr (byte order, kind, item size).</summary>
internal readonly record struct NpyDType(char Kind, int ItemSize, bool BigEndian)
{
    /// <summary>The canonical descr numpy itself would write for this type.</summary>
    public string Descr => ItemSize == 1 ? $"|{Kind}1" : $"{(BigEndian ? '>' : '<')}{Kind}{ItemSize}";

    public bool IsFloat => Kind == 'f';

    public bool IsIntegerOrBool => Kind is 'i' or 'u' or 'b';

    /// <summary>Parses a descr such as <c>&lt;f4</c>, <c>|u1</c> or <c>&gt;i8</c>; returns null for anything unsupported.</summary>
    public static NpyDType? TryParse(string descr)
    {
        if (descr.Length < 3) return null;
        var order = descr[0];
        // '=' is native order, which is little-endian on every platform .NET runs this code on.
        var bigEndian = order switch
        {
            '<' or '|' or '=' => false,
            '>' => true,
            _ => (bool?)null,
        };
        if (bigEndian is null) return null;
        var kind = descr[1];
        if (!int.TryParse(descr.AsSpan(2), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var size))
            return null;
        var supported = (kind, size) switch
        {
            ('u', 1 or 2) => true,
            ('i', 1 or 2 or 4 or 8) => true,
            ('f', 4 or 8) => true,
            ('b', 1) => true,
            _ => false,
        };
        if (!supported) return null;
        // Single-byte types have no byte order; normalise so '>u1' and '|u1' compare equal.
        return new NpyDType(kind, size, size > 1 && bigEndian.Value);
    }

    public double ReadDouble(ReadOnlySpan<byte> src) => (Kind, ItemSize) switch
    {
        ('f', 4) => BigEndian ? BinaryPrimitives.ReadSingleBigEndian(src) : BinaryPrimitives.ReadSingleLittleEndian(src),
        ('f', 8) => BigEndian ? BinaryPrimitives.ReadDoubleBigEndian(src) : BinaryPrimitives.ReadDoubleLittleEndian(src),
        _ => ReadInt64(src),
    };

    public long ReadInt64(ReadOnlySpan<byte> src) => (Kind, ItemSize) switch
    {
        ('u', 1) or ('b', 1) => src[0],
        ('i', 1) => (sbyte)src[0],
        ('u', 2) => BigEndian ? BinaryPrimitives.ReadUInt16BigEndian(src) : BinaryPrimitives.ReadUInt16LittleEndian(src),
        ('i', 2) => BigEndian ? BinaryPrimitives.ReadInt16BigEndian(src) : BinaryPrimitives.ReadInt16LittleEndian(src),
        ('i', 4) => BigEndian ? BinaryPrimitives.ReadInt32BigEndian(src) : BinaryPrimitives.ReadInt32LittleEndian(src),
        ('i', 8) => BigEndian ? BinaryPrimitives.ReadInt64BigEndian(src) : BinaryPrimitives.ReadInt64LittleEndian(src),
        _ => throw new InvalidOperationException($"dtype {Descr} does not hold integers."),
    };
}
