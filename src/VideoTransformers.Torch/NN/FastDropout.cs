using TorchSharp;
using static TorchSharp.torch;

namespace VideoTransformers.Torch;

/// <summary>
/// Inverted dropout with the same distribution as <c>torch.nn.functional.dropout</c> (each element kept with probability
/// 1 − p and scaled by 1 / (1 − p)), drawing its mask from <c>rand_like</c> instead of <c>bernoulli_</c>.
/// </summary>
/// <remarks>
/// Why: on libtorch 2.10 (TorchSharp 0.107, CPU) <c>bernoulli_</c> is the slow part of dropout. On a [32, 33, 1024]
/// float32 tensor with 2 threads, <c>nn.functional.dropout</c> took 8.1 ms and <c>bernoulli_</c> alone 8.0 ms, while
/// <c>rand_like</c> took 2.5 ms and this whole function 4.2 ms (medians of 30, benchmarks/README.md). With about a dozen
/// dropouts per step, ActionBERT's training step spent 70 of its ~250 ms in dropout. The mask is a function of the
/// default generator's state, so a seeded run is reproducible, but it differs from the one <c>bernoulli_</c> would draw.
/// </remarks>
public static class FastDropout
{
    /// <summary>
    /// Returns <paramref name="input"/> with each element zeroed with probability <paramref name="p"/> and the rest scaled
    /// by 1 / (1 − p) when <paramref name="training"/> is true; otherwise (or when p is 0) an alias of the input.
    /// </summary>
    /// <param name="input">Any floating-point tensor.</param>
    /// <param name="p">Drop probability, in [0, 1].</param>
    /// <param name="training">Whether to drop; false makes this the identity, as in eval mode.</param>
    /// <exception cref="ArgumentOutOfRangeException">p is outside [0, 1] or NaN.</exception>
    /// <exception cref="ArgumentException">The input is not floating point.</exception>
    public static Tensor dropout(Tensor input, double p, bool training = true)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!(p >= 0 && p <= 1)) throw new ArgumentOutOfRangeException(nameof(p), p, "Dropout probability must be in [0, 1].");
        if (!input.is_floating_point()) throw new ArgumentException($"Dropout expects a floating-point tensor, got {input.dtype}.", nameof(input));
        if (!training || p == 0) return input.alias();
        if (p == 1) return input.mul(0);
        using var scope = NewDisposeScope();
        // u >= p keeps an element with probability 1 - p for u ~ U[0, 1); ge_ on a float tensor writes 0/1 in place.
        Tensor keep;
        using (no_grad()) keep = rand_like(input).ge_(p).mul_(1.0 / (1.0 - p));
        return scope.MoveToOuter(input.mul(keep));
    }
}
