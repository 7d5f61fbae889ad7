using VideoTransformers.Torch;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VideoTransformers.TestSupport;

/// <summary>
/// Deterministic test tensors drawn from <see cref="System.Random"/> with a fixed seed, independent of libtorch's
/// global generator (which tests running in parallel would otherwise share and perturb).
/// </summary>
public sealed class TestData
{
    private readonly Random _random;

    /// <summary>Creates a generator; the same seed always yields the same tensors.</summary>
    public TestData(int seed) => _random = new Random(seed);

    /// <summary>Standard normal samples (Box–Muller) in float32 or float64.</summary>
    public Tensor Randn(long[] shape, ScalarType dtype = ScalarType.Float32, double scale = 1, double shift = 0) =>
        FromDoubles(Doubles(shape, () => shift + scale * Normal()), shape, dtype);

    /// <summary>Uniform samples from [low, high).</summary>
    public Tensor Uniform(long[] shape, double low, double high, ScalarType dtype = ScalarType.Float32) =>
        FromDoubles(Doubles(shape, () => low + (high - low) * _random.NextDouble()), shape, dtype);

    /// <summary>Values picked from <paramref name="choices"/> (useful to force ties and exact zeros).</summary>
    public Tensor Choice(long[] shape, double[] choices, ScalarType dtype = ScalarType.Float32) =>
        FromDoubles(Doubles(shape, () => choices[_random.Next(choices.Length)]), shape, dtype);

    /// <summary>Integers uniformly from [low, high) as int64.</summary>
    public Tensor Randint(long low, long high, long[] shape)
    {
        var v = new long[Numel(shape)];
        for (var i = 0; i < v.Length; i++) v[i] = _random.NextInt64(low, high);
        return tensor(v, shape);
    }

    /// <summary>Random booleans with probability <paramref name="p"/> of true.</summary>
    public Tensor Bernoulli(long[] shape, double p = 0.5)
    {
        var v = new bool[Numel(shape)];
        for (var i = 0; i < v.Length; i++) v[i] = _random.NextDouble() < p;
        return tensor(v, shape);
    }

    /// <summary>One standard normal sample.</summary>
    public double Normal()
    {
        // Box–Muller; 1 - NextDouble() is in (0, 1], so the log is finite.
        var u1 = 1.0 - _random.NextDouble();
        var u2 = _random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    private static long Numel(long[] shape) => shape.Aggregate(1L, (a, b) => a * b);

    private static double[] Doubles(long[] shape, Func<double> next)
    {
        var v = new double[Numel(shape)];
        for (var i = 0; i < v.Length; i++) v[i] = next();
        return v;
    }

    private static Tensor FromDoubles(double[] values, long[] shape, ScalarType dtype)
    {
        if (dtype == ScalarType.Float64) return tensor(values, shape);
        using var scope = NewDisposeScope();
        return tensor(values, shape).to(dtype).MoveToOuterDisposeScope();
    }
}
