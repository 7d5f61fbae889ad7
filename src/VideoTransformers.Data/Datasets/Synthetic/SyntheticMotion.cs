using VideoTransformers.Data.Video;

namespace VideoTransformers.Data.Datasets;

/// <summary>
/// The built-in dataset: small grayscale clips of one shape (square, disk, triangle or cross) that moves
/// left or right, up or down, grows or shrinks, or rotates clockwise or counter-clockwise, with random
/// shape, position, speed, size, contrast and light Gaussian noise. Generated in code, deterministically
/// from <see cref="SyntheticMotionOptions.Seed"/> and the sample index.
/// </summary>
/// <remarks>
/// The classes come in <see cref="ReversalPairs"/>: the second class of each pair is produced by generating
/// a clip of the first class and reversing its frame order. Both classes therefore have exactly the same
/// distribution of frame sets, and only a model that uses temporal order can tell them apart.
/// </remarks>
public sealed class SyntheticMotion : IVideoDataset
{
    private static readonly string[] Shapes = ["square", "disk", "triangle", "cross"];
    private static readonly int[] Rotatable = [0, 2, 3];

    /// <summary>Creates the dataset; no frames are generated until a sample is requested.</summary>
    public SyntheticMotion(SyntheticMotionOptions? options = null)
    {
        Options = (options ?? new SyntheticMotionOptions()).Validate();
    }

    /// <summary>The classes in label order.</summary>
    public static IReadOnlyList<string> AllClassNames { get; } = ["left", "right", "up", "down", "grow", "shrink", "rotate_cw", "rotate_ccw"];

    /// <summary>Shapes drawn (rotation uses all but the disk, whose rotation is invisible).</summary>
    public static IReadOnlyList<string> ShapeNames => Shapes;

    /// <summary>Class pairs (forward, reversed) where the second is the first played backwards.</summary>
    public static IReadOnlyList<(int Forward, int Reversed)> ReversalPairs { get; } = [(0, 1), (2, 3), (4, 5), (6, 7)];

    /// <summary>The options.</summary>
    public SyntheticMotionOptions Options { get; }

    /// <inheritdoc />
    public IReadOnlyList<string> ClassNames => AllClassNames;

    /// <inheritdoc />
    public int Count => Options.SamplesPerClass * AllClassNames.Count;

    /// <summary>Labels cycle through the classes, so every prefix of whole cycles is balanced.</summary>
    public int GetLabel(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        return index % AllClassNames.Count;
    }

    /// <summary>Generates sample <paramref name="index"/>; the result depends only on the options and the index, so <paramref name="random"/> is not used.</summary>
    public VideoSample GetSample(int index, Random? random = null)
    {
        int label = GetLabel(index);
        var rng = new Random(SampleSeed(Options.Seed, index));
        return new VideoSample(GenerateClip(label, rng, Options), label);
    }

    /// <summary>
    /// Indices of a split. Samples are grouped in cycles of one per class; the first cycles are training,
    /// then validation, then test, so every split is class balanced.
    /// </summary>
    public IReadOnlyList<int> SplitIndices(DatasetSplit part)
    {
        int groups = Options.SamplesPerClass, classes = AllClassNames.Count;
        int test = (int)Math.Round(groups * Options.TestFraction);
        int val = (int)Math.Round(groups * Options.ValidationFraction);
        int train = groups - val - test;
        var (from, count) = part switch
        {
            DatasetSplit.Train => (0, train),
            DatasetSplit.Validation => (train, val),
            DatasetSplit.Test => (train + val, test),
            _ => throw new ArgumentOutOfRangeException(nameof(part)),
        };
        return Enumerable.Range(from * classes, count * classes).ToArray();
    }

    /// <summary>A view of one split.</summary>
    public VideoDatasetSubset Split(DatasetSplit part) => new(this, SplitIndices(part));

    /// <summary>
    /// Draws one clip of class <paramref name="classIndex"/> from <paramref name="random"/>. For the reversed class
    /// of a pair the same random draws produce the forward clip, which is then played backwards.
    /// </summary>
    public static VideoFrames GenerateClip(int classIndex, Random random, SyntheticMotionOptions options)
    {
        ArgumentNullException.ThrowIfNull(random);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegative(classIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(classIndex, AllClassNames.Count);
        options.Validate();
        var forward = GenerateForward(classIndex / 2, random, options);
        return classIndex % 2 == 0 ? forward : forward.Reversed();
    }

    private static VideoFrames GenerateForward(int pair, Random rng, SyntheticMotionOptions o)
    {
        int t = o.Frames, s = o.Size;
        double U(double lo, double hi) => lo + (hi - lo) * rng.NextDouble();
        int shape = pair == 3 ? Rotatable[rng.Next(Rotatable.Length)] : rng.Next(Shapes.Length);
        double background = rng.Next(0, 50), foreground = rng.Next(150, 256);
        var cx = new double[t];
        var cy = new double[t];
        var radius = new double[t];
        var angle = new double[t];
        double theta0 = U(0, 2 * Math.PI);
        switch (pair)
        {
            case 0:
            case 1:
            {
                // Moves left (pair 0) or up (pair 1): the coordinate along the motion decreases.
                double r = U(0.10 * s, 0.18 * s);
                double room = s - 3 - 2 * r;
                double speed = Math.Min(U(0.5, 1.5), room / (t - 1));
                double travel = speed * (t - 1);
                double along0 = U(r + 1 + travel, s - 2 - r);
                double across = U(r + 1, s - 2 - r);
                for (int i = 0; i < t; i++)
                {
                    double along = along0 - speed * i;
                    (cx[i], cy[i]) = pair == 0 ? (along, across) : (across, along);
                    radius[i] = r;
                    angle[i] = theta0;
                }
                break;
            }
            case 2:
            {
                double r0 = U(0.08 * s, 0.14 * s);
                double r1 = Math.Min(r0 + U(0.12 * s, 0.25 * s), 0.4 * s);
                double x = U(r1 + 1, s - 2 - r1), y = U(r1 + 1, s - 2 - r1);
                for (int i = 0; i < t; i++)
                {
                    cx[i] = x;
                    cy[i] = y;
                    radius[i] = r0 + (r1 - r0) * i / (t - 1);
                    angle[i] = theta0;
                }
                break;
            }
            default:
            {
                // Below 45 degrees per frame even the 90-degree-symmetric square and cross turn unambiguously.
                double r = U(0.22 * s, 0.32 * s);
                double omega = U(6, 15) * Math.PI / 180;
                double x = U(r + 1, s - 2 - r), y = U(r + 1, s - 2 - r);
                for (int i = 0; i < t; i++)
                {
                    cx[i] = x;
                    cy[i] = y;
                    radius[i] = r;
                    // With y pointing down, a growing angle turns the shape clockwise on screen.
                    angle[i] = theta0 + omega * i;
                }
                break;
            }
        }
        var data = new byte[t * s * s];
        for (int i = 0; i < t; i++)
        {
            double cos = Math.Cos(angle[i]), sin = Math.Sin(angle[i]), inv = 1.0 / radius[i];
            for (int y = 0; y < s; y++)
            for (int x = 0; x < s; x++)
            {
                // 2x2 supersampling gives soft edges, so sub-pixel motion still changes the pixels.
                int hits = 0;
                for (int sy = 0; sy < 2; sy++)
                for (int sx = 0; sx < 2; sx++)
                {
                    double dx = x + 0.25 + 0.5 * sx - cx[i], dy = y + 0.25 + 0.5 * sy - cy[i];
                    double u = (dx * cos + dy * sin) * inv, v = (-dx * sin + dy * cos) * inv;
                    if (Inside(shape, u, v)) hits++;
                }
                double value = background + (foreground - background) * hits / 4.0 + o.Noise * Gaussian(rng);
                data[(i * s + y) * s + x] = (byte)Math.Clamp(Math.Round(value), 0, 255);
            }
        }
        return new VideoFrames(data, t, s, s, 1);
    }

    private static bool Inside(int shape, double u, double v) => shape switch
    {
        0 => Math.Abs(u) <= 0.8 && Math.Abs(v) <= 0.8,
        1 => u * u + v * v <= 1,
        // Equilateral triangle with circumradius 1 and a vertex at (0, -1).
        2 => v <= 0.5 && v >= -1 + 1.7320508 * Math.Abs(u),
        _ => (Math.Abs(u) <= 1 && Math.Abs(v) <= 0.3) || (Math.Abs(u) <= 0.3 && Math.Abs(v) <= 1),
    };

    private static double Gaussian(Random rng)
    {
        double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    // System.HashCode is randomised per process, so the per-sample seed is mixed with SplitMix64 instead.
    private static int SampleSeed(int seed, int index)
    {
        ulong z = ((ulong)(uint)seed << 32 | (uint)index) + 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return (int)(z & 0x7FFFFFFF);
    }
}
