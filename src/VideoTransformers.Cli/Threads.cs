using VideoTransformers.Torch;

namespace VideoTransformers.Cli;

/// <summary>
/// The thread setting of every command: <c>--threads N</c>, the size of libtorch's intra-op pool. libtorch 2.10 (as
/// TorchSharp ships it) runs its matrix products with MKL inside that same OpenMP pool, so it is the only pool there is;
/// without the option libtorch keeps its own default (as many threads as cores it detects). The old <c>--blas-threads</c> is
/// refused by <see cref="Args"/> with the reason.
/// </summary>
public static class Threads
{
    /// <summary>The validated <c>--threads</c> value (at least 1), or null when the option was not given.</summary>
    /// <remarks>
    /// Validated here because <c>torch.set_num_threads(0)</c> aborts the whole process inside libtorch instead of
    /// throwing; a usage error must never get that far.
    /// </remarks>
    public static int? Parse(Args a) => a.Has("threads") ? a.Int("threads", 1, min: 1) : null;

    /// <summary>Sets libtorch's intra-op pool to <paramref name="threads"/> when given.</summary>
    public static void Set(int? threads)
    {
        if (threads is int n)
        {
            if (n < 1) throw new UsageException($"--threads must be at least 1, got {n}.");
            TorchThreads.Set(n);
        }
    }

    /// <summary>Parses and applies <c>--threads</c>; returns the value given, or null for libtorch's default.</summary>
    public static int? Apply(Args a)
    {
        var threads = Parse(a);
        Set(threads);
        return threads;
    }
}
