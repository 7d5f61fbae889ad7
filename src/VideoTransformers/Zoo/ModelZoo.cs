using VideoTransformers.Blocks;
using VideoTransformers.Models;

namespace VideoTransformers.Zoo;

/// <summary>Named presets and the mapping from command-line names (model, variant, preset) to <see cref="ModelSpec"/>s.</summary>
public static class ModelZoo
{
    /// <summary>The model families.</summary>
    public static IReadOnlyList<string> Families { get; } = new[] { "frame-vit", "vivit", "timesformer", "actionbert", "bilstm", "cnn-lstm" };

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
        ["timesformer-ucf101"] = () => new ModelSpec { Model = "timesformer", TimeSformer = TimeSformerConfig.SeedUcf101 },
        ["timesformer-base-k400"] = () => new ModelSpec { Model = "timesformer", TimeSformer = TimeSformerConfig.BaseK400 },
        ["actionbert-ucf101"] = () => new ModelSpec { Model = "actionbert", ActionBert = ActionBertConfig.Ucf101Features },
        ["cnn-lstm-kth"] = () => new ModelSpec { Model = "cnn-lstm", Rnn = RnnConfig.KthCnnLstm },
    };

    /// <summary>Parses a ViViT variant name (joint, factorised-encoder, factorised-self-attention, factorised-dot-product).</summary>
    public static ViViTVariant ParseViViTVariant(string name) => name switch
    {
        "joint" => ViViTVariant.Joint,
        "factorised-encoder" or "factorized-encoder" => ViViTVariant.FactorisedEncoder,
        "factorised-self-attention" or "factorized-self-attention" => ViViTVariant.FactorisedSelfAttention,
        "factorised-dot-product" or "factorized-dot-product" => ViViTVariant.FactorisedDotProduct,
        _ => throw new ArgumentException($"Unknown ViViT variant '{name}'; expected joint, factorised-encoder, factorised-self-attention or factorised-dot-product."),
    };

    /// <summary>Parses a TimeSformer attention name (divided, joint, space-only).</summary>
    public static TimeSformerAttention ParseTimeSformerAttention(string name) => name switch
    {
        "divided" or "divided_space_time" => TimeSformerAttention.DividedSpaceTime,
        "joint" or "joint_space_time" => TimeSformerAttention.JointSpaceTime,
        "space-only" or "space_only" => TimeSformerAttention.SpaceOnly,
        _ => throw new ArgumentException($"Unknown TimeSformer attention '{name}'; expected divided, joint or space-only."),
    };

    /// <summary>
    /// A spec for a family, adapted to a dataset's clip shape and class count: <paramref name="frames"/>,
    /// <paramref name="channels"/>, <paramref name="height"/>, <paramref name="width"/> override the defaults.
    /// </summary>
    public static ModelSpec ForData(string model, string? variant, long frames, long channels, long height, long width, long classes, string? preset = null)
    {
        if (preset is not null)
        {
            if (!Presets.TryGetValue(preset, out var make)) throw new ArgumentException($"Unknown preset '{preset}'; expected one of {string.Join(", ", Presets.Keys)}.");
            var p = make();
            if (p.Model != model) throw new ArgumentException($"Preset '{preset}' is a {p.Model} preset, not {model}.");
        }
        var spec = preset is not null ? Presets[preset]() : new ModelSpec { Model = model };
        return model switch
        {
            "frame-vit" => spec with
            {
                FrameViT = (spec.FrameViT ?? new FrameViTConfig { PatchSize = PickPatch(height, width, 16), TokenDim = 128, AttnDim = 128, MlpDim = 256, Layers = 4 })
                    with { Frames = frames, Channels = channels, ImageHeight = height, ImageWidth = width, Classes = classes },
            },
            "vivit" => spec with
            {
                ViViT = (spec.ViViT ?? new ViViTConfig
                {
                    TubeletT = Math.Min(2, frames), TubeletH = PickPatch(height, width, 16), TubeletW = PickPatch(height, width, 16),
                    Dim = 128, Heads = 4, MlpDim = 256, Layers = 4, TemporalLayers = 2, Remainder = TubeletRemainder.Truncate,
                }) with
                {
                    Frames = frames, Channels = channels, ImageHeight = height, ImageWidth = width, Classes = classes,
                    Variant = variant is null ? (spec.ViViT?.Variant ?? ViViTVariant.FactorisedEncoder) : ParseViViTVariant(variant),
                    Pooling = variant is not null && ParseViViTVariant(variant) is ViViTVariant.FactorisedSelfAttention or ViViTVariant.FactorisedDotProduct
                        ? Pooling.Mean : spec.ViViT?.Pooling ?? Pooling.Cls,
                },
            },
            "timesformer" => spec with
            {
                TimeSformer = (spec.TimeSformer ?? new TimeSformerConfig { PatchSize = PickPatch(height, width, 16), Dim = 128, Heads = 4, MlpDim = 256, Layers = 4 })
                    with
                    {
                        Frames = frames, Channels = channels, ImageHeight = height, ImageWidth = width, Classes = classes,
                        Attention = variant is null ? spec.TimeSformer?.Attention ?? TimeSformerAttention.DividedSpaceTime : ParseTimeSformerAttention(variant),
                    },
            },
            "actionbert" => spec with
            {
                ActionBert = (spec.ActionBert ?? new ActionBertConfig { FeatureDim = 128, Dim = 128, MlpDim = 256, Layers = 2 })
                    with { MaxLength = frames, Classes = classes, FrameEncoder = new FrameEncoderConfig(channels, height, width) },
            },
            "cnn-lstm" => spec with
            {
                Rnn = (spec.Rnn ?? new RnnConfig { FeatureDim = 128, Hidden = 128 })
                    with { Frames = frames, Classes = classes, FrameEncoder = new FrameEncoderConfig(channels, height, width) },
            },
            "bilstm" => throw new ArgumentException("bilstm runs over per-frame features [B, T, F]; for raw clips use cnn-lstm (a CNN frame encoder + BiLSTM)."),
            _ => throw new ArgumentException($"Unknown model '{model}'; expected one of {string.Join(", ", Families)}."),
        };
    }

    /// <summary>The largest patch ≤ <paramref name="preferred"/> that divides both sides.</summary>
    public static long PickPatch(long height, long width, long preferred)
    {
        for (var p = preferred; p > 1; p--)
            if (height % p == 0 && width % p == 0) return p;
        return 1;
    }
}
