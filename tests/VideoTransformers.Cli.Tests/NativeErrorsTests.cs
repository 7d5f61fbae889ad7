using System.Runtime.InteropServices;
using FluentAssertions;
using Xunit;
using static TorchSharp.torch;

namespace VideoTransformers.Cli.Tests;

/// <summary>What vt prints for a libtorch error: the message, without libtorch's C++ backtrace.</summary>
public class NativeErrorsTests
{
    [Fact]
    public void A_real_libtorch_error_is_reported_without_its_backtrace()
    {
        using var x = ones(2, 3);
        var act = () => x.reshape(4);
        var e = act.Should().Throw<ExternalException>().Which;
        // The raw message carries the backtrace; the description keeps what was wrong and drops the frames.
        e.Message.Should().Contain("Exception raised from");
        var described = NativeErrors.Describe(e);
        described.Should().Contain("shape '[4]' is invalid for input of size 6");
        described.Should().NotContain("Exception raised from").And.NotContain("frame #");
    }

    [Fact]
    public void A_message_without_a_backtrace_is_kept_whole()
    {
        NativeErrors.Describe(new ExternalException("plain message\nsecond line")).Should().Be("plain message\nsecond line");
    }
}
