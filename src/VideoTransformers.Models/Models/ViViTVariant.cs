using System.Text.Json.Serialization;
using VideoTransformers.Blocks;
using VideoTransformers.Interpretability;
using VideoTransformers.Zoo;

namespace VideoTransformers.Models;

/// <summary>
/// A ViViT attention variant: what <see cref="ViViT"/> puts between its tubelet embedding and its head. A variant
/// registers its parts on the model (<see cref="Build"/>), knows its FLOPs (<see cref="EncoderFlops"/>) and how its
/// attention maps are read (<see cref="AttentionMap"/>). Each variant lives in one file under Models/Variants and is
/// listed once in <see cref="ModelRegistry"/>; specs store its <see cref="AttentionVariant.Id"/>.
/// </summary>
[JsonConverter(typeof(AttentionVariantJsonConverter<ViViTVariant>))]
public abstract class ViViTVariant : AttentionVariant
{
    /// <inheritdoc />
    public sealed override string Family => "vivit";

    /// <summary>False for a variant without a CLS token, which pools by mean (a CLS configuration is refused).</summary>
    public abstract bool HasClsToken { get; }

    /// <summary>
    /// Builds the variant's parts for <paramref name="config"/> and a token grid of <paramref name="grid"/> (time, height,
    /// width), registering them on the model through <paramref name="parts"/> in the order their keys should have, and
    /// returns the encoder that runs them.
    /// </summary>
    public abstract ViViTEncoder Build(ViViTConfig config, (long t, long h, long w) grid, ModelParts parts);

    /// <summary>FLOPs of the encoder for one clip with token grid <paramref name="grid"/> (see <see cref="VideoClassifier.FlopsPerClip"/>).</summary>
    public abstract long EncoderFlops(ViViTConfig config, (long t, long h, long w) grid);

    /// <summary>How the attention map of a clip with token grid <paramref name="grid"/> is read, or null when the variant has none to show.</summary>
    public virtual AttentionReadout? AttentionMap(ViViTConfig config, (long t, long h, long w) grid) => null;

    /// <summary>Model 1: joint spatio-temporal attention over all tubelet tokens.</summary>
    public static ViViTVariant Joint => ViViTJoint.Instance;
    /// <summary>Model 2: a spatial encoder per frame, then a temporal encoder over frame-level tokens.</summary>
    public static ViViTVariant FactorisedEncoder => ViViTFactorisedEncoder.Instance;
    /// <summary>Model 3: spatial then temporal self-attention inside every block.</summary>
    public static ViViTVariant FactorisedSelfAttention => ViViTFactorisedSelfAttention.Instance;
    /// <summary>Model 4: heads split between spatial and temporal dot-product attention.</summary>
    public static ViViTVariant FactorisedDotProduct => ViViTFactorisedDotProduct.Instance;

    /// <summary>Every registered ViViT variant, in the registry's order.</summary>
    public static IReadOnlyList<ViViTVariant> All => ModelRegistry.Variants.OfType<ViViTVariant>().ToList();

    /// <summary>The variant named <paramref name="name"/> (name, alias or id).</summary>
    /// <exception cref="ArgumentException">No ViViT variant has that name.</exception>
    public static ViViTVariant Parse(string name) => ModelRegistry.Variant<ViViTVariant>("vivit", name);
}
