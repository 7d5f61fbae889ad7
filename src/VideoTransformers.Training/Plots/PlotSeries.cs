namespace VideoTransformers.Training.Plots;

/// <summary>A named line of (x, y) points, e.g. the validation accuracy per epoch.</summary>
public sealed record PlotSeries
{
    /// <summary>Creates a series; <paramref name="x"/> and <paramref name="y"/> must have the same length.</summary>
    /// <exception cref="ArgumentException">The lengths differ or the name is empty.</exception>
    public PlotSeries(string name, IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Count != y.Count) throw new ArgumentException($"Series '{name}' has {x.Count} x values but {y.Count} y values.", nameof(y));
        Name = name;
        X = x;
        Y = y;
    }

    /// <summary>Creates a series whose x values are 1, 2, 3, … (epochs).</summary>
    public PlotSeries(string name, IReadOnlyList<double> y)
        : this(name, Enumerable.Range(1, (y ?? throw new ArgumentNullException(nameof(y))).Count).Select(i => (double)i).ToArray(), y)
    {
    }

    /// <summary>The legend label.</summary>
    public string Name { get; }

    /// <summary>The x coordinates.</summary>
    public IReadOnlyList<double> X { get; }

    /// <summary>The y coordinates; NaN or infinite values leave a gap in the line.</summary>
    public IReadOnlyList<double> Y { get; }
}
