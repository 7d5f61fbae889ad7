namespace VideoTransformers.Models;

/// <summary>Analytic FLOP counts (2 per multiply-add) of the building blocks.</summary>
public static class Flops
{
    /// <summary>A Linear layer over <paramref name="tokens"/> tokens.</summary>
    public static long Linear(long tokens, long inFeatures, long outFeatures) => 2 * tokens * inFeatures * outFeatures;

    /// <summary>Self-attention over <paramref name="groups"/> independent sequences of <paramref name="n"/> tokens.</summary>
    public static long Attention(long groups, long n, long dim, long attnDim) =>
        Linear(groups * n, dim, 3 * attnDim) + 2 * 2 * groups * n * n * attnDim + Linear(groups * n, attnDim, dim);

    /// <summary>A pre-norm transformer block (attention + MLP) over groups × n tokens.</summary>
    public static long Block(long groups, long n, long dim, long attnDim, long mlp) =>
        Attention(groups, n, dim, attnDim) + Linear(groups * n, dim, mlp) + Linear(groups * n, mlp, dim);

    /// <summary>A convolution producing <paramref name="outputElements"/> values, each from in·k values.</summary>
    public static long Conv(long outputElements, long inChannels, long kernelVolume) => 2 * outputElements * inChannels * kernelVolume;
}
