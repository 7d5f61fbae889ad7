using static TorchSharp.torch;

namespace VideoTransformers.Torch;

/// <summary>libtorch's intra-op thread pool, set without the process-aborting inputs.</summary>
public static class TorchThreads
{
    /// <summary>
    /// Sets libtorch's intra-op pool to <paramref name="threads"/> (on libtorch 2.10 this pool also runs MKL's matrix
    /// products, so it is the only one there is).
    /// </summary>
    /// <remarks>
    /// <c>torch.set_num_threads(0)</c> (or a negative count) aborts the whole process inside libtorch instead of
    /// throwing, so the count is checked here first.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threads"/> is less than 1.</exception>
    public static void Set(int threads)
    {
        if (threads < 1)
            throw new ArgumentOutOfRangeException(nameof(threads), threads, $"The number of torch threads must be at least 1, got {threads}.");
        set_num_threads(threads);
    }
}
