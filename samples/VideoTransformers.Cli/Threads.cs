using static VideoTransformers.Torch.torch;

namespace VideoTransformers.Cli;

/// <summary>
/// Thread settings of every command: <c>--threads</c> (libtorch's intra-op pool, default 1) and <c>--blas-threads</c>
/// (OpenBLAS's GEMM pool, default all cores). On the 2-core machines this project targets, one intra-op thread and
/// two BLAS threads were fastest for every preset measured; both pools at 2 oversubscribe the cores (docs/performance.md).
/// </summary>
public static class Threads
{
    /// <summary>Applies the settings and returns the intra-op thread count.</summary>
    public static int Apply(Args a)
    {
        var intra = a.Int("threads", 1, 1);
        var blas = a.Int("blas-threads", Environment.ProcessorCount, 1);
        set_num_threads(intra);
        set_blas_threads(blas);
        return intra;
    }
}
