using VideoTransformers.Models;

namespace VideoTransformers.Zoo;

/// <summary>Named presets and the mapping from command-line names (model, variant, preset) to <see cref="ModelSpec"/>s.</summary>
public static class ModelZoo
{
    /// <summary>The model families' names (see <see cref="ModelRegistry.Families"/>).</summary>
    public static IReadOnlyList<string> Families => ModelRegistry.FamilyNames;

    /// <summary>
    /// Older spellings of family names, matched ignoring case: <c>ViT</c>, as the early seed project's configurations
    /// name FrameViT (one ViT applied to each frame, then a transformer over the frames), is <c>frame-vit</c>.
    /// </summary>
    public static IReadOnlyDictionary<string, string> FamilyAliases { get; } =
        new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["ViT"] = "frame-vit" };

    /// <summary>The family <paramref name="name"/> means: one of <see cref="Families"/> or a <see cref="FamilyAliases"/> spelling of one; null when it names none.</summary>
    public static string? ResolveFamily(string name) =>
        Families.Contains(name) ? name : FamilyAliases.TryGetValue(name, out var family) ? family : null;

    /// <summary>The benchmark presets (as in <c>vt bench --preset</c>).</summary>
    public static IReadOnlyDictionary<string, Func<ModelSpec>> Presets { get; } = new Dictionary<string, Func<ModelSpec>>
    {
        ["frame-vit-kth"] = () => new ModelSpec { Model = "frame-vit", FrameViT = FrameViTConfig.KthDefault },
        ["frame-vit-kth-patch8"] = () => new ModelSpec { Model = "frame-vit", FrameViT = FrameViTConfig.KthPatch8 },
        ["frame-vit-kth-patch32"] = () => new ModelSpec { Model = "frame-vit", FrameViT = FrameViTConfig.KthPatch32 },
        ["frame-vit-kth-patch64"] = () => new ModelSpec { Model = "frame-vit", FrameViT = FrameViTConfig.KthPatch64 },
        ["vivit-organmnist3d"] = () => new ModelSpec { Model = "vivit", ViViT = ViViTConfig.KerasOrganMnist3D },
        ["vivit-small-fe"] = () => new ModelSpec { Model = "vivit", ViViT = ViViTConfig.SmallFactorisedEncoder },
        ["vivit-small-swin"] = () => new ModelSpec { Model = "vivit", ViViT = ViViTConfig.SmallShiftedWindow },
        ["timesformer-ucf101"] = () => new ModelSpec { Model = "timesformer", TimeSformer = TimeSformerConfig.SeedUcf101 },
        ["timesformer-base-k400"] = () => new ModelSpec { Model = "timesformer", TimeSformer = TimeSformerConfig.BaseK400 },
        ["actionbert-ucf101"] = () => new ModelSpec { Model = "actionbert", ActionBert = ActionBertConfig.Ucf101Features },
        ["cnn-lstm-kth"] = () => new ModelSpec { Model = "cnn-lstm", Rnn = RnnConfig.KthCnnLstm },
    };

    /// <summary>Parses a ViViT variant name (any of <see cref="ViViTVariant.All"/>'s names, aliases or ids).</summary>
    /// <exception cref="ArgumentException">No ViViT variant has that name; the message lists them.</exception>
    public static ViViTVariant ParseViViTVariant(string name) => ViViTVariant.Parse(name);

    /// <summary>Parses a TimeSformer attention name (any of <see cref="TimeSformerAttention.All"/>'s names, aliases or ids).</summary>
    /// <exception cref="ArgumentException">No TimeSformer attention scheme has that name; the message lists them.</exception>
    public static TimeSformerAttention ParseTimeSformerAttention(string name) => TimeSformerAttention.Parse(name);

    /// <summary>The preset <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">No preset has that name.</exception>
    public static ModelSpec Preset(string name) => Presets.TryGetValue(name, out var make) ? make()
        : throw new ArgumentException($"Unknown preset '{name}'; expected one of {string.Join(", ", Presets.Keys)}.");

    /// <summary>
    /// A spec for a family, adapted to a dataset's clip shape and class count: <paramref name="frames"/>,
    /// <paramref name="channels"/>, <paramref name="height"/>, <paramref name="width"/> override the defaults (see
    /// <see cref="ModelFamily.ForData"/>).
    /// </summary>
    public static ModelSpec ForData(string model, string? variant, long frames, long channels, long height, long width, long classes, string? preset = null) =>
        ForData(model, variant, DataShape.Video(frames, channels, height, width, classes), preset);

    /// <summary>A spec for family <paramref name="model"/> with variant <paramref name="variant"/>, sized to <paramref name="data"/>, from <paramref name="preset"/> when given.</summary>
    /// <exception cref="ArgumentException">The family, variant or preset is unknown, or the preset is another family's.</exception>
    public static ModelSpec ForData(string model, string? variant, DataShape data, string? preset = null)
    {
        var family = ModelRegistry.Family(model);
        var p = preset is null ? null : Preset(preset);
        if (p is not null && p.Model != model) throw new ArgumentException($"Preset '{preset}' is a {p.Model} preset, not {model}.");
        return family.ForData(data, variant is null ? null : family.Variant(variant), p);
    }

    /// <summary>The largest patch ≤ <paramref name="preferred"/> that divides both sides.</summary>
    public static long PickPatch(long height, long width, long preferred)
    {
        for (var p = preferred; p > 1; p--)
            if (height % p == 0 && width % p == 0) return p;
        return 1;
    }
}
