namespace VideoTransformers.Data.Datasets;

/// <summary>A person-disjoint KTH split: which persons' clips are train, validation and test.</summary>
public sealed class KthSplit
{
    private KthSplit(string name, IEnumerable<int> train, IEnumerable<int> validation, IEnumerable<int> test)
    {
        Name = name;
        Train = new SortedSet<int>(train);
        Validation = new SortedSet<int>(validation);
        Test = new SortedSet<int>(test);
        var all = Train.Concat(Validation).Concat(Test).ToList();
        var dup = all.GroupBy(p => p).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (dup.Count > 0) throw new ArgumentException($"KTH split '{name}' puts persons {string.Join(", ", dup)} in more than one part.");
        if (all.Any(p => p < 1)) throw new ArgumentException($"KTH split '{name}' has a person number below 1.");
    }

    /// <summary>
    /// The split of the seed experiments: persons 1–16 train, 17–25 test, no validation.
    /// </summary>
    public static KthSplit Seed { get; } = new("seed", Enumerable.Range(1, 16), [], Enumerable.Range(17, 9));

    /// <summary>
    /// The split of Schuldt, Laptev and Caputo (ICPR 2004): train 11–18; validation 19, 20, 21, 23, 24, 25,
    /// 1, 4; test 22, 2, 3, 5, 6, 7, 8, 9, 10 (person 4 belongs to validation, so the test range 2–10 skips it).
    /// </summary>
    public static KthSplit Schuldt { get; } = new("schuldt", Enumerable.Range(11, 8), [19, 20, 21, 23, 24, 25, 1, 4], [22, 2, 3, 5, 6, 7, 8, 9, 10]);

    /// <summary>A user-defined split; the lists must be disjoint.</summary>
    public static KthSplit Custom(IEnumerable<int> train, IEnumerable<int>? validation, IEnumerable<int> test, string name = "custom") =>
        new(name, train ?? throw new ArgumentNullException(nameof(train)), validation ?? [], test ?? throw new ArgumentNullException(nameof(test)));

    /// <summary>Split name.</summary>
    public string Name { get; }

    /// <summary>Training persons.</summary>
    public IReadOnlySet<int> Train { get; }

    /// <summary>Validation persons (empty for <see cref="Seed"/>).</summary>
    public IReadOnlySet<int> Validation { get; }

    /// <summary>Test persons.</summary>
    public IReadOnlySet<int> Test { get; }

    /// <summary>The persons of <paramref name="part"/>.</summary>
    public IReadOnlySet<int> Persons(DatasetSplit part) => part switch
    {
        DatasetSplit.Train => Train,
        DatasetSplit.Validation => Validation,
        DatasetSplit.Test => Test,
        _ => throw new ArgumentOutOfRangeException(nameof(part)),
    };

    /// <inheritdoc />
    public override string ToString() => Name;
}
