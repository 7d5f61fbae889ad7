using FluentAssertions;
using Xunit;
using static TorchSharp.torch;

namespace VideoTransformers.Torch.Tests;

/// <summary>The thread count is process-wide state, so these run alone (and put the count back).</summary>
[Collection(ProcessStateCollection.Name)]
public class TorchThreadsTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void Counts_below_one_throw_instead_of_reaching_libtorch_which_would_abort(int threads)
    {
        var before = get_num_threads();
        var act = () => TorchThreads.Set(threads);
        act.Should().Throw<ArgumentOutOfRangeException>().Which.Message.Should().Contain($"at least 1, got {threads}");
        get_num_threads().Should().Be(before);
    }

    [Fact]
    public void A_valid_count_sets_the_intra_op_pool()
    {
        var before = get_num_threads();
        try
        {
            TorchThreads.Set(1);
            get_num_threads().Should().Be(1);
        }
        finally
        {
            set_num_threads(before);
        }
    }
}
