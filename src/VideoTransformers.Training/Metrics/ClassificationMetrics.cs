namespace VideoTransformers.Training.Metrics;

/// <summary>
/// Classification metrics over plain arrays. Scores are row-major <c>[N × numClasses]</c> (logits or
/// probabilities; the accuracies only rank them); labels are class indices in <c>0..numClasses-1</c>.
/// Scores must not contain NaN: a ranking of NaN is undefined, and it usually means training diverged.
/// </summary>
public static class ClassificationMetrics
{
    /// <summary>The top-1 class of each row. Ties go to the lowest class index, like <c>argmax</c>.</summary>
    public static long[] Predictions(ReadOnlySpan<float> scores, int numClasses)
    {
        var n = Rows(scores, numClasses);
        var result = new long[n];
        for (var i = 0; i < n; i++)
        {
            var row = scores.Slice(i * numClasses, numClasses);
            var best = 0;
            for (var c = 1; c < numClasses; c++)
                if (row[c] > row[best]) best = c;
            result[i] = best;
        }
        return result;
    }

    /// <summary>The fraction of rows whose top-1 class is the label.</summary>
    public static double Top1Accuracy(ReadOnlySpan<float> scores, ReadOnlySpan<long> labels, int numClasses) =>
        TopKAccuracy(scores, labels, numClasses, 1);

    /// <summary>
    /// The fraction of rows whose label is among the <paramref name="k"/> highest scores. Ties are broken
    /// toward the lower class index (a stable descending sort), so top-1 agrees with <see cref="Predictions"/>.
    /// </summary>
    /// <exception cref="ArgumentException">Sizes disagree, a label is out of range, a score is NaN, or k is not positive.</exception>
    public static double TopKAccuracy(ReadOnlySpan<float> scores, ReadOnlySpan<long> labels, int numClasses, int k)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        var n = Validate(scores, labels, numClasses);
        if (n == 0) return double.NaN;
        long hits = 0;
        for (var i = 0; i < n; i++)
        {
            var row = scores.Slice(i * numClasses, numClasses);
            var label = (int)labels[i];
            var s = row[label];
            var rank = 0;
            for (var c = 0; c < numClasses && rank < k; c++)
                if (row[c] > s || (row[c] == s && c < label)) rank++;
            if (rank < k) hits++;
        }
        return (double)hits / n;
    }

    /// <summary>The confusion matrix of the top-1 predictions.</summary>
    public static ConfusionMatrix Confusion(ReadOnlySpan<float> scores, ReadOnlySpan<long> labels, int numClasses)
    {
        Validate(scores, labels, numClasses);
        return ConfusionMatrix.FromPredictions(labels, Predictions(scores, numClasses), numClasses);
    }

    /// <summary>Top-1 accuracy within each class (recall); NaN for a class with no samples.</summary>
    public static double[] PerClassAccuracy(ReadOnlySpan<float> scores, ReadOnlySpan<long> labels, int numClasses) =>
        Confusion(scores, labels, numClasses).Recall();

    /// <summary>
    /// Binary ROC AUC: the probability that a random positive scores above a random negative, ties counting
    /// one half (the Mann–Whitney U statistic). Equal to sklearn's <c>roc_auc_score</c>. NaN when the labels
    /// hold only one class, where sklearn raises instead.
    /// </summary>
    /// <param name="scores">One score per sample; higher means more likely positive.</param>
    /// <param name="labels">0 (negative) or 1 (positive) per sample.</param>
    /// <exception cref="ArgumentException">Lengths differ, a label is not 0 or 1, or a score is NaN.</exception>
    public static double RocAuc(ReadOnlySpan<double> scores, ReadOnlySpan<long> labels)
    {
        if (scores.Length != labels.Length)
            throw new ArgumentException($"{scores.Length} scores but {labels.Length} labels.", nameof(labels));
        for (var i = 0; i < labels.Length; i++)
        {
            if (labels[i] is not (0 or 1)) throw new ArgumentException($"labels[{i}] is {labels[i]}; binary AUC needs 0 or 1.", nameof(labels));
            if (double.IsNaN(scores[i])) throw new ArgumentException($"scores[{i}] is NaN; AUC is undefined (did training diverge?).", nameof(scores));
        }
        var order = new int[scores.Length];
        for (var i = 0; i < order.Length; i++) order[i] = i;
        var keys = scores.ToArray();
        Array.Sort(keys, order);

        // Sum of the (1-based, tie-averaged) ranks of the positives.
        double positiveRankSum = 0;
        long positives = 0;
        for (var start = 0; start < keys.Length;)
        {
            var end = start + 1;
            while (end < keys.Length && keys[end] == keys[start]) end++;
            var averageRank = (start + 1 + end) / 2.0;
            for (var j = start; j < end; j++)
                if (labels[order[j]] == 1) { positiveRankSum += averageRank; positives++; }
            start = end;
        }
        var negatives = scores.Length - positives;
        if (positives == 0 || negatives == 0) return double.NaN;
        return (positiveRankSum - positives * (positives + 1) / 2.0) / ((double)positives * negatives);
    }

    /// <inheritdoc cref="RocAuc(ReadOnlySpan{double}, ReadOnlySpan{long})"/>
    public static double RocAuc(ReadOnlySpan<float> scores, ReadOnlySpan<long> labels)
    {
        var d = new double[scores.Length];
        for (var i = 0; i < d.Length; i++) d[i] = scores[i];
        return RocAuc(d, labels);
    }

    /// <summary>
    /// Binary ROC AUC from a two-column score matrix (logits or probabilities), ranking by
    /// <c>score[1] − score[0]</c>. For logits that ranks exactly as the softmax probability of class 1 does,
    /// without the ties that saturated probabilities would create.
    /// </summary>
    public static double BinaryRocAuc(ReadOnlySpan<float> scores, ReadOnlySpan<long> labels)
    {
        var n = Validate(scores, labels, 2);
        var margin = new double[n];
        for (var i = 0; i < n; i++) margin[i] = (double)scores[2 * i + 1] - scores[2 * i];
        return RocAuc(margin, labels);
    }

    /// <summary>
    /// Macro-averaged one-vs-rest ROC AUC: the mean over classes of the AUC of that class's column against
    /// "label is this class". Like sklearn's <c>roc_auc_score(multi_class="ovr", average="macro")</c>, it
    /// expects probabilities (apply <see cref="Softmax"/> to logits first). Classes absent from the labels (or
    /// present in every row) have no AUC and are left out of the mean; NaN when no class has one.
    /// </summary>
    public static double MacroOneVsRestAuc(ReadOnlySpan<float> probabilities, ReadOnlySpan<long> labels, int numClasses)
    {
        var n = Validate(probabilities, labels, numClasses);
        var column = new double[n];
        var binary = new long[n];
        double sum = 0;
        var counted = 0;
        for (var c = 0; c < numClasses; c++)
        {
            for (var i = 0; i < n; i++)
            {
                column[i] = probabilities[i * numClasses + c];
                binary[i] = labels[i] == c ? 1 : 0;
            }
            var auc = RocAuc(column, binary);
            if (double.IsNaN(auc)) continue;
            sum += auc;
            counted++;
        }
        return counted == 0 ? double.NaN : sum / counted;
    }

    /// <summary>Row-wise softmax of <c>[N × numClasses]</c> logits, computed stably in double precision.</summary>
    public static float[] Softmax(ReadOnlySpan<float> logits, int numClasses)
    {
        var n = Rows(logits, numClasses);
        var result = new float[logits.Length];
        for (var i = 0; i < n; i++) SoftmaxRow(logits.Slice(i * numClasses, numClasses), result.AsSpan(i * numClasses, numClasses));
        return result;
    }

    /// <summary>
    /// Averages softmax probabilities over consecutive groups of <paramref name="viewsPerVideo"/> rows
    /// (rows <c>[v·views, (v+1)·views)</c> are the views of video v), the usual multi-clip, multi-crop test protocol.
    /// </summary>
    /// <returns>Row-major <c>[N/viewsPerVideo × numClasses]</c> mean probabilities.</returns>
    /// <exception cref="ArgumentException">The row count is not a multiple of <paramref name="viewsPerVideo"/>.</exception>
    public static float[] AverageViewProbabilities(ReadOnlySpan<float> logits, int numClasses, int viewsPerVideo)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(viewsPerVideo, 1);
        var n = Rows(logits, numClasses);
        if (n % viewsPerVideo != 0)
            throw new ArgumentException($"{n} rows are not a whole number of videos of {viewsPerVideo} views.", nameof(logits));
        var ids = new long[n];
        for (var i = 0; i < n; i++) ids[i] = i / viewsPerVideo;
        return AverageViewProbabilities(logits, ids, numClasses).Probabilities;
    }

    /// <summary>Averages softmax probabilities over all rows that share a video id, in any order.</summary>
    /// <param name="logits">Row-major <c>[N × numClasses]</c> logits, one row per view.</param>
    /// <param name="videoIds">The video each row belongs to.</param>
    /// <param name="numClasses">The number of classes.</param>
    public static ViewAveragedScores AverageViewProbabilities(ReadOnlySpan<float> logits, ReadOnlySpan<long> videoIds, int numClasses)
    {
        var n = Rows(logits, numClasses);
        if (videoIds.Length != n) throw new ArgumentException($"{n} rows but {videoIds.Length} video ids.", nameof(videoIds));
        var slot = new Dictionary<long, int>();
        var order = new List<long>();
        foreach (var id in videoIds)
            if (slot.TryAdd(id, order.Count)) order.Add(id);

        var sums = new double[order.Count * numClasses];
        var counts = new int[order.Count];
        var probs = new float[numClasses];
        for (var i = 0; i < n; i++)
        {
            SoftmaxRow(logits.Slice(i * numClasses, numClasses), probs);
            var v = slot[videoIds[i]];
            counts[v]++;
            for (var c = 0; c < numClasses; c++) sums[v * numClasses + c] += probs[c];
        }
        var mean = new float[sums.Length];
        for (var v = 0; v < order.Count; v++)
        for (var c = 0; c < numClasses; c++) mean[v * numClasses + c] = (float)(sums[v * numClasses + c] / counts[v]);
        return new ViewAveragedScores(order.ToArray(), mean, numClasses);
    }

    private static void SoftmaxRow(ReadOnlySpan<float> row, Span<float> output)
    {
        double max = double.NegativeInfinity;
        foreach (var v in row)
        {
            if (float.IsNaN(v)) throw new ArgumentException("Logits contain NaN; probabilities are undefined (did training diverge?).");
            if (v > max) max = v;
        }
        double sum = 0;
        for (var c = 0; c < row.Length; c++) sum += Math.Exp(row[c] - max);
        for (var c = 0; c < row.Length; c++) output[c] = (float)(Math.Exp(row[c] - max) / sum);
    }

    private static int Rows(ReadOnlySpan<float> scores, int numClasses)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(numClasses, 1);
        if (scores.Length % numClasses != 0)
            throw new ArgumentException($"{scores.Length} scores are not a whole number of rows of {numClasses} classes.", nameof(scores));
        return scores.Length / numClasses;
    }

    private static int Validate(ReadOnlySpan<float> scores, ReadOnlySpan<long> labels, int numClasses)
    {
        var n = Rows(scores, numClasses);
        if (labels.Length != n) throw new ArgumentException($"{n} score rows but {labels.Length} labels.", nameof(labels));
        for (var i = 0; i < n; i++)
            if ((ulong)labels[i] >= (ulong)numClasses)
                throw new ArgumentException($"labels[{i}] is {labels[i]}, outside 0..{numClasses - 1}.", nameof(labels));
        for (var i = 0; i < scores.Length; i++)
            if (float.IsNaN(scores[i]))
                throw new ArgumentException($"Score row {i / numClasses}, class {i % numClasses} is NaN; metrics are undefined (did training diverge?).", nameof(scores));
        return n;
    }
}
