namespace VideoTransformers.Training.Metrics;

/// <summary>
/// Collects the scores, labels and losses of an evaluation pass batch by batch and computes a
/// <see cref="MetricsReport"/> at the end. AUC needs every score at once, so the scores are kept.
/// </summary>
public sealed class MetricsAccumulator
{
    private readonly List<float> _scores = [];
    private readonly List<long> _labels = [];
    private double _lossSum;
    private long _lossSamples;

    /// <summary>Creates an accumulator for <paramref name="numClasses"/> classes.</summary>
    /// <param name="numClasses">The number of classes (score columns).</param>
    /// <param name="scoresAreLogits">True when batches hold logits (softmax is applied before the multi-class AUC); false for probabilities.</param>
    public MetricsAccumulator(int numClasses, bool scoresAreLogits = true)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(numClasses, 2);
        NumClasses = numClasses;
        ScoresAreLogits = scoresAreLogits;
    }

    /// <summary>The number of classes.</summary>
    public int NumClasses { get; }

    /// <summary>Whether the scores are logits rather than probabilities.</summary>
    public bool ScoresAreLogits { get; }

    /// <summary>The number of samples added since construction or the last <see cref="Reset"/>.</summary>
    public long Count => _labels.Count;

    /// <summary>Adds a batch without a loss.</summary>
    /// <param name="scores">Row-major <c>[batch × NumClasses]</c> scores.</param>
    /// <param name="labels">One class index per row.</param>
    public void Add(ReadOnlySpan<float> scores, ReadOnlySpan<long> labels) => AddCore(scores, labels, null);

    /// <summary>Adds a batch and its mean loss, which is weighted by the batch size in the report.</summary>
    public void Add(ReadOnlySpan<float> scores, ReadOnlySpan<long> labels, double meanLoss) => AddCore(scores, labels, meanLoss);

    /// <summary>Forgets everything added so far.</summary>
    public void Reset()
    {
        _scores.Clear();
        _labels.Clear();
        _lossSum = 0;
        _lossSamples = 0;
    }

    /// <summary>Computes the metrics of everything added so far.</summary>
    /// <exception cref="InvalidOperationException">Nothing has been added.</exception>
    public MetricsReport Compute()
    {
        if (_labels.Count == 0) throw new InvalidOperationException("No samples were added; there are no metrics to compute.");
        var scores = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_scores);
        var labels = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_labels);
        var confusion = ClassificationMetrics.Confusion(scores, labels, NumClasses);
        double? top5 = NumClasses > 5 ? ClassificationMetrics.TopKAccuracy(scores, labels, NumClasses, 5) : null;
        double? auc = null, macroAuc = null;
        if (NumClasses == 2)
        {
            // For probabilities p1 - p0 ranks like p1; for logits l1 - l0 ranks like softmax p1.
            auc = ClassificationMetrics.BinaryRocAuc(scores, labels);
        }
        else
        {
            var probs = ScoresAreLogits ? ClassificationMetrics.Softmax(scores, NumClasses) : scores.ToArray();
            macroAuc = ClassificationMetrics.MacroOneVsRestAuc(probs, labels, NumClasses);
        }
        return new MetricsReport(
            Count: _labels.Count,
            Loss: _lossSamples == 0 ? null : _lossSum / _lossSamples,
            Top1: confusion.Accuracy,
            Top5: top5,
            PerClassAccuracy: confusion.Recall(),
            Confusion: confusion,
            Auc: auc,
            MacroAuc: macroAuc);
    }

    private void AddCore(ReadOnlySpan<float> scores, ReadOnlySpan<long> labels, double? meanLoss)
    {
        if (scores.Length != labels.Length * NumClasses)
            throw new ArgumentException($"{labels.Length} labels need {labels.Length * NumClasses} scores for {NumClasses} classes, not {scores.Length}.", nameof(scores));
        for (var i = 0; i < labels.Length; i++)
            if ((ulong)labels[i] >= (ulong)NumClasses)
                throw new ArgumentException($"labels[{i}] is {labels[i]}, outside 0..{NumClasses - 1}.", nameof(labels));
        _scores.AddRange(scores);
        _labels.AddRange(labels);
        if (meanLoss is { } loss)
        {
            _lossSum += loss * labels.Length;
            _lossSamples += labels.Length;
        }
    }
}
