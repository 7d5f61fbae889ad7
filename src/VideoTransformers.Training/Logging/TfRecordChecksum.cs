using System.IO.Hashing;

namespace VideoTransformers.Training.Logging;

/// <summary>
/// The checksums of TFRecord framing: CRC-32C (Castagnoli) from System.IO.Hashing, masked the way TensorFlow stores
/// them.
/// </summary>
internal static class TfRecordChecksum
{
    private const uint MaskDelta = 0xA282EAD8;

    /// <summary>The plain CRC-32C of <paramref name="data"/>.</summary>
    public static uint Crc32C(ReadOnlySpan<byte> data) => Crc32.HashToUInt32(Crc32ParameterSet.Crc32C, data);

    /// <summary>The masked CRC-32C of <paramref name="data"/>, as stored in a record.</summary>
    public static uint Masked(ReadOnlySpan<byte> data) => Mask(Crc32C(data));

    /// <summary>
    /// TensorFlow's masked CRC, <c>((crc &gt;&gt; 15) | (crc &lt;&lt; 17)) + 0xa282ead8</c>. Masking keeps a CRC of
    /// data that itself contains CRCs from being trivially related to them.
    /// </summary>
    public static uint Mask(uint crc) => unchecked(((crc >> 15) | (crc << 17)) + MaskDelta);
}
