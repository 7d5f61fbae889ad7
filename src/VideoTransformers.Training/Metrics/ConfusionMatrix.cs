using System.Globalization;
using System.Text;

namespace VideoTransformers.Training.Metrics;

/// <summary>
/// Counts of (actual class, predicted class) pairs. Rows are actual classes, columns predicted classes,
/// matching sklearn's <c>confusion_matrix</c>. Ratios that divide by zero are <see cref="double.NaN"/>
/// rather than 0, so an absent class is not mistaken for a class the model always gets wrong.
/// </summary>
public sealed class ConfusionMatrix
{
    private readonly long[,] _counts;

    /// <summary>Creates an empty matrix for <paramref name="numClasses"/> classes.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="numClasses"/> is less than 1.</exception>
    public ConfusionMatrix(int numClasses)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(numClasses, 1);
        _counts = new long[numClasses, numClasses];
    }

    /// <summary>Creates a matrix from existing counts (copied), rows actual and columns predicted.</summary>
    /// <exception cref="ArgumentException">The array is not square, is empty, or holds a negative count.</exception>
    public ConfusionMatrix(long[,] counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        if (counts.GetLength(0) != counts.GetLength(1) || counts.GetLength(0) == 0)
            throw new ArgumentException($"A confusion matrix must be square and non-empty, not {counts.GetLength(0)}×{counts.GetLength(1)}.", nameof(counts));
        foreach (var c in counts)
            if (c < 0) throw new ArgumentException("Confusion counts must not be negative.", nameof(counts));
        _counts = (long[,])counts.Clone();
    }

    /// <summary>The number of classes (rows and columns).</summary>
    public int NumClasses => _counts.GetLength(0);

    /// <summary>The number of samples with class <paramref name="actual"/> that were predicted as <paramref name="predicted"/>.</summary>
    public long this[int actual, int predicted] => _counts[actual, predicted];

    /// <summary>The total number of samples counted.</summary>
    public long Total
    {
        get
        {
            long t = 0;
            foreach (var c in _counts) t += c;
            return t;
        }
    }

    /// <summary>Builds a matrix from parallel arrays of actual and predicted classes.</summary>
    /// <exception cref="ArgumentException">The arrays differ in length or hold a class outside 0..numClasses-1.</exception>
    public static ConfusionMatrix FromPredictions(ReadOnlySpan<long> actual, ReadOnlySpan<long> predicted, int numClasses)
    {
        if (actual.Length != predicted.Length)
            throw new ArgumentException($"{actual.Length} actual classes but {predicted.Length} predictions.", nameof(predicted));
        var m = new ConfusionMatrix(numClasses);
        for (var i = 0; i < actual.Length; i++) m.Add(actual[i], predicted[i]);
        return m;
    }

    /// <summary>Counts <paramref name="count"/> samples of class <paramref name="actual"/> predicted as <paramref name="predicted"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A class is outside 0..NumClasses-1 or the count is negative.</exception>
    public void Add(long actual, long predicted, long count = 1)
    {
        if ((ulong)actual >= (ulong)NumClasses) throw new ArgumentOutOfRangeException(nameof(actual), actual, $"Class must be in 0..{NumClasses - 1}.");
        if ((ulong)predicted >= (ulong)NumClasses) throw new ArgumentOutOfRangeException(nameof(predicted), predicted, $"Class must be in 0..{NumClasses - 1}.");
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        _counts[actual, predicted] += count;
    }

    /// <summary>Adds all counts of <paramref name="other"/>, which must have the same number of classes.</summary>
    public void Add(ConfusionMatrix other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.NumClasses != NumClasses)
            throw new ArgumentException($"Cannot add a {other.NumClasses}-class matrix to a {NumClasses}-class one.", nameof(other));
        for (var a = 0; a < NumClasses; a++)
        for (var p = 0; p < NumClasses; p++) _counts[a, p] += other._counts[a, p];
    }

    /// <summary>A copy of the counts, rows actual and columns predicted.</summary>
    public long[,] ToArray() => (long[,])_counts.Clone();

    /// <summary>The counts as rows (true class) of columns (predicted class): the shape JSON serializers write as nested arrays.</summary>
    public long[][] ToRows() =>
        Enumerable.Range(0, NumClasses).Select(i => Enumerable.Range(0, NumClasses).Select(j => _counts[i, j]).ToArray()).ToArray();

    /// <summary>The number of samples whose actual class is <paramref name="cls"/> (row sum).</summary>
    public long Support(int cls)
    {
        long s = 0;
        for (var p = 0; p < NumClasses; p++) s += _counts[cls, p];
        return s;
    }

    /// <summary>The number of samples predicted as <paramref name="cls"/> (column sum).</summary>
    public long PredictedCount(int cls)
    {
        long s = 0;
        for (var a = 0; a < NumClasses; a++) s += _counts[a, cls];
        return s;
    }

    /// <summary>The fraction of samples predicted correctly; NaN when empty.</summary>
    public double Accuracy
    {
        get
        {
            long correct = 0;
            for (var c = 0; c < NumClasses; c++) correct += _counts[c, c];
            var total = Total;
            return total == 0 ? double.NaN : (double)correct / total;
        }
    }

    /// <summary>Per-class accuracy, i.e. recall: correct / support for each class; NaN for a class with no samples.</summary>
    public double[] Recall()
    {
        var r = new double[NumClasses];
        for (var c = 0; c < NumClasses; c++)
        {
            var support = Support(c);
            r[c] = support == 0 ? double.NaN : (double)_counts[c, c] / support;
        }
        return r;
    }

    /// <summary>Per-class precision: correct / predicted for each class; NaN for a class never predicted.</summary>
    public double[] Precision()
    {
        var p = new double[NumClasses];
        for (var c = 0; c < NumClasses; c++)
        {
            var predicted = PredictedCount(c);
            p[c] = predicted == 0 ? double.NaN : (double)_counts[c, c] / predicted;
        }
        return p;
    }

    /// <summary>Per-class F1 (harmonic mean of precision and recall); NaN where either is undefined, 0 where both are 0.</summary>
    public double[] F1()
    {
        var precision = Precision();
        var recall = Recall();
        var f = new double[NumClasses];
        for (var c = 0; c < NumClasses; c++)
        {
            var (p, r) = (precision[c], recall[c]);
            f[c] = double.IsNaN(p) || double.IsNaN(r) ? double.NaN : p + r == 0 ? 0 : 2 * p * r / (p + r);
        }
        return f;
    }

    /// <summary>The mean recall over classes that have samples (sklearn's <c>balanced_accuracy_score</c>); NaN when empty.</summary>
    public double BalancedAccuracy
    {
        get
        {
            var present = Recall().Where(r => !double.IsNaN(r)).ToArray();
            return present.Length == 0 ? double.NaN : present.Average();
        }
    }

    /// <summary>Formats the counts as an aligned text table (rows actual, columns predicted) for logs.</summary>
    /// <param name="classNames">Optional labels, one per class; indices are used otherwise.</param>
    public string ToText(IReadOnlyList<string>? classNames = null)
    {
        if (classNames != null && classNames.Count != NumClasses)
            throw new ArgumentException($"{classNames.Count} class names for {NumClasses} classes.", nameof(classNames));
        var names = Enumerable.Range(0, NumClasses).Select(c => classNames?[c] ?? c.ToString(CultureInfo.InvariantCulture)).ToArray();
        var cells = new string[NumClasses, NumClasses];
        var width = names.Max(n => n.Length);
        for (var a = 0; a < NumClasses; a++)
        for (var p = 0; p < NumClasses; p++)
        {
            cells[a, p] = _counts[a, p].ToString(CultureInfo.InvariantCulture);
            width = Math.Max(width, cells[a, p].Length);
        }
        var rowHeader = Math.Max(names.Max(n => n.Length), "actual\\pred".Length);
        var sb = new StringBuilder();
        sb.Append("actual\\pred".PadRight(rowHeader));
        foreach (var n in names) sb.Append(' ').Append(n.PadLeft(width));
        sb.AppendLine();
        for (var a = 0; a < NumClasses; a++)
        {
            sb.Append(names[a].PadRight(rowHeader));
            for (var p = 0; p < NumClasses; p++) sb.Append(' ').Append(cells[a, p].PadLeft(width));
            sb.AppendLine();
        }
        return sb.ToString();
    }
}
