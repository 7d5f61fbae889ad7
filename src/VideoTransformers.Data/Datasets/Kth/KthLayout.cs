namespace VideoTransformers.Data.Datasets;

/// <summary>
/// KTH video files on disk, named <c>personXX_action_dY_uncomp.avi</c> (or <c>.mp4</c>), either all in
/// one folder or in one sub-folder per action. When both an <c>.avi</c> and an <c>.mp4</c> of the same
/// clip exist, the <c>.avi</c> (the original) is used.
/// </summary>
public sealed class KthLayout
{
    private static readonly string[] Extensions = [".avi", ".mp4"];

    private KthLayout(string root, IReadOnlyList<KthClip> clips)
    {
        Root = root;
        Clips = clips;
    }

    /// <summary>The six actions in label order.</summary>
    public static IReadOnlyList<string> ClassNames { get; } = ["boxing", "handclapping", "handwaving", "jogging", "running", "walking"];

    /// <summary>The folder that was scanned.</summary>
    public string Root { get; }

    /// <summary>All clips found, ordered by person, action and scenario.</summary>
    public IReadOnlyList<KthClip> Clips { get; }

    /// <summary>Scans <paramref name="root"/> and its immediate sub-folders for KTH clips.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="InvalidDataException">No KTH clip was found.</exception>
    public static KthLayout Discover(string root)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        var full = Path.GetFullPath(root);
        if (!Directory.Exists(full)) throw new DirectoryNotFoundException($"KTH folder '{full}' does not exist.");
        var files = Directory.EnumerateFiles(full)
            .Concat(Directory.EnumerateDirectories(full).SelectMany(Directory.EnumerateFiles))
            .Where(f => Extensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase));
        var byName = new Dictionary<string, KthClip>(StringComparer.OrdinalIgnoreCase);
        foreach (var file in files.Order(StringComparer.Ordinal))
        {
            if (!KthClipName.TryParse(file, out var name)) continue;
            int label = IndexOf(name.Action);
            if (label < 0) continue;
            var clip = new KthClip(file, name.Name, name.Person, name.Action, name.Scenario, label);
            if (byName.TryGetValue(name.Name, out var existing) &&
                string.Equals(Path.GetExtension(existing.FilePath), ".avi", StringComparison.OrdinalIgnoreCase))
                continue;
            byName[name.Name] = clip;
        }
        if (byName.Count == 0)
            throw new InvalidDataException($"No KTH clips (personXX_action_dY_uncomp.avi|.mp4) found in '{full}' or its sub-folders.");
        var clips = byName.Values.OrderBy(c => c.Person).ThenBy(c => c.Label).ThenBy(c => c.Scenario).ToList();
        return new KthLayout(full, clips);
    }

    /// <summary>Index of <paramref name="action"/> in <see cref="ClassNames"/>, or -1.</summary>
    public static int IndexOf(string action)
    {
        for (int i = 0; i < ClassNames.Count; i++)
            if (string.Equals(ClassNames[i], action, StringComparison.OrdinalIgnoreCase)) return i;
        return -1;
    }

    /// <summary>The clips of the persons that <paramref name="split"/> assigns to <paramref name="part"/>.</summary>
    public IReadOnlyList<KthClip> Select(KthSplit split, DatasetSplit part)
    {
        ArgumentNullException.ThrowIfNull(split);
        var persons = split.Persons(part);
        return Clips.Where(c => persons.Contains(c.Person)).ToList();
    }
}
