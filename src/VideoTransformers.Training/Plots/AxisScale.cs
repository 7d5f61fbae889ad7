namespace VideoTransformers.Training.Plots;

/// <summary>Chooses an axis range and "nice" tick values (1, 2 or 5 × 10^k steps, or decades on a log axis).</summary>
internal sealed class AxisScale
{
    private AxisScale(double min, double max, double[] ticks, bool log, int decimals)
    {
        Min = min;
        Max = max;
        Ticks = ticks;
        IsLog = log;
        Decimals = decimals;
    }

    public double Min { get; }

    public double Max { get; }

    public double[] Ticks { get; }

    public bool IsLog { get; }

    /// <summary>Digits after the decimal point that tell the ticks apart.</summary>
    public int Decimals { get; }

    /// <summary>Maps a data value to [0, 1] along the axis.</summary>
    public double Fraction(double v) => IsLog
        ? (Math.Log10(v) - Math.Log10(Min)) / (Math.Log10(Max) - Math.Log10(Min))
        : (v - Min) / (Max - Min);

    public string Format(double v)
    {
        if (IsLog || Math.Abs(v) >= 1e6 || (v != 0 && Math.Abs(v) < 1e-4))
            return v.ToString("G3", System.Globalization.CultureInfo.InvariantCulture);
        return v.ToString("F" + Decimals, System.Globalization.CultureInfo.InvariantCulture);
    }

    public static AxisScale Linear(double lo, double hi, int targetTicks = 6)
    {
        if (!(lo <= hi)) (lo, hi) = (0, 1);
        if (hi - lo < 1e-12 * Math.Max(1, Math.Abs(hi)))
        {
            var pad = lo == 0 ? 1 : Math.Abs(lo) * 0.1;
            (lo, hi) = (lo - pad, hi + pad);
        }
        var step = NiceStep((hi - lo) / Math.Max(1, targetTicks - 1));
        var min = Math.Floor(lo / step) * step;
        var max = Math.Ceiling(hi / step) * step;
        var count = (int)Math.Round((max - min) / step) + 1;
        var ticks = Enumerable.Range(0, count).Select(i => Clean(min + i * step, step)).ToArray();
        var decimals = Math.Max(0, -(int)Math.Floor(Math.Log10(step) + 1e-9));
        return new AxisScale(min, max, ticks, false, decimals);
    }

    public static AxisScale Log(double lo, double hi)
    {
        if (!(lo > 0 && lo <= hi)) (lo, hi) = (1, 10);
        var min = Math.Pow(10, Math.Floor(Math.Log10(lo) + 1e-9));
        var max = Math.Pow(10, Math.Ceiling(Math.Log10(hi) - 1e-9));
        if (max <= min) max = min * 10;
        var ticks = new List<double>();
        for (var d = min; d <= max * 1.000001; d *= 10)
        {
            ticks.Add(d);
            // With a single decade the powers of ten alone would leave the axis nearly unlabelled.
            if (max / min <= 10 && d < max) { ticks.Add(2 * d); ticks.Add(5 * d); }
        }
        return new AxisScale(min, max, ticks.ToArray(), true, 0);
    }

    private static double NiceStep(double raw)
    {
        var exponent = Math.Floor(Math.Log10(raw));
        var fraction = raw / Math.Pow(10, exponent);
        var nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
        return nice * Math.Pow(10, exponent);
    }

    // Removes binary noise like 0.30000000000000004 so labels and positions stay exact.
    private static double Clean(double v, double step)
    {
        var r = Math.Round(Math.Round(v / step) * step, 12);
        return r == 0 ? 0 : r; // never -0, which would print as "-0.0"
    }
}
