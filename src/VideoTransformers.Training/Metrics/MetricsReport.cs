using System.Globalization;

namespace VideoTransformers.Training.Metrics;

/// <summary>The metrics of one evaluation pass.</summary>
/// <param name="Count">The number of samples evaluated.</param>
/// <param name="Loss">The sample-weighted mean loss, or null when no batch reported a loss.</param>
/// <param name="Top1">Top-1 accuracy.</param>
/// <param name="Top5">Top-5 accuracy, or null when there are 5 classes or fewer (it would always be 1).</param>
/// <param name="PerClassAccuracy">Recall of each class; NaN for a class with no samples.</param>
/// <param name="Confusion">The confusion matrix of the top-1 predictions.</param>
/// <param name="Auc">ROC AUC of the positive class (1) for binary tasks; null otherwise; NaN when only one class occurs.</param>
/// <param name="MacroAuc">Macro one-vs-rest ROC AUC for tasks with more than two classes; null for binary tasks.</param>
public sealed record MetricsReport(
    long Count,
    double? Loss,
    double Top1,
    double? Top5,
    IReadOnlyList<double> PerClassAccuracy,
    ConfusionMatrix Confusion,
    double? Auc,
    double? MacroAuc)
{
    /// <summary>A one-line summary such as <c>n=98 loss=0.4512 top1=0.7857 auc=0.8123</c>.</summary>
    public override string ToString()
    {
        static string F(double v) => v.ToString("F4", CultureInfo.InvariantCulture);
        var parts = new List<string> { $"n={Count.ToString(CultureInfo.InvariantCulture)}" };
        if (Loss is { } loss) parts.Add($"loss={F(loss)}");
        parts.Add($"top1={F(Top1)}");
        if (Top5 is { } top5) parts.Add($"top5={F(top5)}");
        if (Auc is { } auc) parts.Add($"auc={F(auc)}");
        if (MacroAuc is { } macro) parts.Add($"macro_auc={F(macro)}");
        return string.Join(' ', parts);
    }
}
