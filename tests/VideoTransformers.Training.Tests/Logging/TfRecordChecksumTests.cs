using System.Text;
using FluentAssertions;
using VideoTransformers.Training.Logging;
using Xunit;

namespace VideoTransformers.Training.Tests.Logging;

public class TfRecordChecksumTests
{
    // The CRC-32C check value and the RFC 3720 (iSCSI) appendix B.4 vectors.
    public static TheoryData<byte[], uint> KnownVectors => new()
    {
        { Encoding.ASCII.GetBytes("123456789"), 0xE3069283 },
        { new byte[32], 0x8A9136AA },
        { Enumerable.Repeat((byte)0xFF, 32).ToArray(), 0x62A8AB43 },
        { Enumerable.Range(0, 32).Select(i => (byte)i).ToArray(), 0x46DD794E },
        { Enumerable.Range(0, 32).Select(i => (byte)(31 - i)).ToArray(), 0x113FDB5C },
        { Array.Empty<byte>(), 0 },
    };

    [Theory]
    [MemberData(nameof(KnownVectors))]
    public void The_writer_uses_crc32c(byte[] data, uint expected)
    {
        TfRecordChecksum.Crc32C(data).Should().Be(expected);
    }

    [Theory]
    [MemberData(nameof(KnownVectors))]
    public void The_test_readers_own_crc32c_matches_the_same_vectors(byte[] data, uint expected)
    {
        TfEventReader.BitwiseCrc32C(data).Should().Be(expected);
    }

    [Fact]
    public void Writer_and_reader_agree_on_long_data()
    {
        // Long enough for the library's vectorised path, with a tail that is not a multiple of 8 or 16 bytes.
        var data = new byte[4099];
        new Random(7).NextBytes(data);
        TfRecordChecksum.Crc32C(data).Should().Be(TfEventReader.BitwiseCrc32C(data));
    }

    [Fact]
    public void Mask_follows_tensorflow_and_the_readers_unmask_inverts_it()
    {
        TfRecordChecksum.Mask(0).Should().Be(0xA282EAD8);
        // rotate right by 15: 0x00008000 -> 0x00000001, plus the delta.
        TfRecordChecksum.Mask(0x8000).Should().Be(0xA282EAD9);
        foreach (var crc in new uint[] { 0, 1, 0xE3069283, 0xFFFFFFFF, 0x12345678 })
            TfEventReader.Unmask(TfRecordChecksum.Mask(crc)).Should().Be(crc);
        TfRecordChecksum.Masked(Encoding.ASCII.GetBytes("123456789")).Should().Be(TfRecordChecksum.Mask(0xE3069283));
    }
}
