using System.Text;
using FluentAssertions;
using VideoTransformers.Training.Logging;
using Xunit;

namespace VideoTransformers.Training.Tests.Logging;

public class Crc32CTests
{
    [Fact]
    public void Matches_the_standard_check_value_and_rfc3720_vectors()
    {
        Crc32C.Compute(Encoding.ASCII.GetBytes("123456789")).Should().Be(0xE3069283);
        Crc32C.Compute(new byte[32]).Should().Be(0x8A9136AA);
        Crc32C.Compute(Enumerable.Repeat((byte)0xFF, 32).ToArray()).Should().Be(0x62A8AB43);
        Crc32C.Compute(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray()).Should().Be(0x46DD794E);
        Crc32C.Compute(Enumerable.Range(0, 32).Select(i => (byte)(31 - i)).ToArray()).Should().Be(0x113FDB5C);
        Crc32C.Compute([]).Should().Be(0);
    }

    [Fact]
    public void Append_continues_a_running_crc()
    {
        var data = Encoding.ASCII.GetBytes("The quick brown fox jumps over the lazy dog");
        Crc32C.Append(Crc32C.Compute(data.AsSpan(0, 10)), data.AsSpan(10)).Should().Be(Crc32C.Compute(data));
    }

    [Fact]
    public void Mask_follows_tensorflow_and_unmask_inverts_it()
    {
        Crc32C.Mask(0).Should().Be(0xA282EAD8);
        // rotate right by 15: 0x00008000 -> 0x00000001, plus the delta.
        Crc32C.Mask(0x8000).Should().Be(0xA282EAD9);
        foreach (var crc in new uint[] { 0, 1, 0xE3069283, 0xFFFFFFFF, 0x12345678 })
            Crc32C.Unmask(Crc32C.Mask(crc)).Should().Be(crc);
    }
}
