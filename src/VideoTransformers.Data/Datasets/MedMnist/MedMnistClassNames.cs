namespace VideoTransformers.Data.Datasets;

/// <summary>The class names of the MedMNIST v2 3-D datasets, by flag (the file name without <c>.npz</c> and size suffix).</summary>
public static class MedMnistClassNames
{
    private static readonly Dictionary<string, string[]> Known = new(StringComparer.OrdinalIgnoreCase)
    {
        ["organmnist3d"] = ["liver", "kidney-right", "kidney-left", "femur-right", "femur-left", "bladder", "heart", "lung-right", "lung-left", "spleen", "pancreas"],
        ["nodulemnist3d"] = ["benign", "malignant"],
        ["adrenalmnist3d"] = ["normal", "hyperplasia"],
        ["fracturemnist3d"] = ["buckle rib fracture", "nondisplaced rib fracture", "displaced rib fracture"],
        ["vesselmnist3d"] = ["vessel", "aneurysm"],
        ["synapsemnist3d"] = ["inhibitory synapse", "excitatory synapse"],
    };

    /// <summary>The flags with known class names.</summary>
    public static IReadOnlyCollection<string> KnownFlags => Known.Keys;

    /// <summary>
    /// The dataset flag of a MedMNIST file: <c>organmnist3d_64.npz</c> and <c>/data/OrganMNIST3D.npz</c> both give
    /// <c>organmnist3d</c>.
    /// </summary>
    public static string FlagOf(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var name = Path.GetFileNameWithoutExtension(path).ToLowerInvariant();
        int us = name.LastIndexOf('_');
        // The official larger-size files append _64 (and 2-D ones _128, _224) to the flag.
        if (us > 0 && name[(us + 1)..].All(char.IsAsciiDigit)) name = name[..us];
        return name;
    }

    /// <summary>The class names of <paramref name="flag"/>, or null when the flag is not known.</summary>
    public static IReadOnlyList<string>? TryGet(string flag) => Known.TryGetValue(flag, out var names) ? names : null;

    /// <summary>The class names of <paramref name="flag"/>, or <c>class_0 … class_{n-1}</c> for an unknown flag.</summary>
    public static IReadOnlyList<string> For(string flag, int fallbackCount) =>
        TryGet(flag) ?? Enumerable.Range(0, fallbackCount).Select(i => $"class_{i}").ToArray();
}
