using System.Diagnostics.CodeAnalysis;
using VideoTransformers.Models;

namespace VideoTransformers.Zoo;

/// <summary>
/// The one list of model families and attention variants. <see cref="ModelSpec.Build"/>, <see cref="ModelZoo"/>, the
/// configuration file's keys and their checks, <c>vt train</c>'s help and checks, <c>vt models</c> and the docs' variant
/// table (checked by a test) all read it. Adding an attention variant is one file under Models/Variants and one line
/// in <see cref="Variants"/>.
/// </summary>
public static class ModelRegistry
{
    /// <summary>The model families, in the order help and messages list them.</summary>
    public static IReadOnlyList<ModelFamily> Families { get; } =
    [
        FrameViTFamily.Instance, ViViTFamily.Instance, TimeSformerFamily.Instance, ActionBertFamily.Instance, BiLstmFamily.Instance, CnnLstmFamily.Instance,
    ];

    /// <summary>Every attention variant, family by family, in the order help and docs list them.</summary>
    public static IReadOnlyList<AttentionVariant> Variants { get; } =
    [
        ViViTJoint.Instance,
        ViViTFactorisedEncoder.Instance,
        ViViTFactorisedSelfAttention.Instance,
        ViViTFactorisedDotProduct.Instance,
        ViViTShiftedWindow.Instance,
        TimeSformerDividedSpaceTime.Instance,
        TimeSformerJointSpaceTime.Instance,
        TimeSformerSpaceOnly.Instance,
    ];

    /// <summary>The family names.</summary>
    public static IReadOnlyList<string> FamilyNames => Families.Select(f => f.Name).ToList();

    /// <summary>Every spelling of every variant (names and aliases), each once.</summary>
    public static IReadOnlyList<string> VariantNames => Variants.SelectMany(v => v.Names).Distinct().ToList();

    /// <summary>The family named <paramref name="name"/>, when there is one.</summary>
    public static bool TryGetFamily(string? name, [NotNullWhen(true)] out ModelFamily? family)
    {
        family = Families.FirstOrDefault(f => f.Name == name);
        return family is not null;
    }

    /// <summary>The family named <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">No family has that name.</exception>
    public static ModelFamily Family(string name) => TryGetFamily(name, out var family) ? family
        : throw new ArgumentException($"Unknown model '{name}'; expected one of {string.Join(", ", FamilyNames)}.");

    /// <summary>Family <paramref name="family"/>'s variant <paramref name="name"/> (name, alias or id), as a <typeparamref name="T"/>.</summary>
    /// <exception cref="ArgumentException">The family or the variant is unknown.</exception>
    public static T Variant<T>(string family, string name) where T : AttentionVariant =>
        Family(family).Variant(name) as T ?? throw new ArgumentException($"The {family} variant '{name}' is not a {typeof(T).Name}.");
}
