using System.Text.Json.Serialization;
using VideoTransformers.Blocks;
using VideoTransformers.Interpretability;
using VideoTransformers.Zoo;

namespace VideoTransformers.Models;

/// <summary>
/// A TimeSformer attention scheme (Bertasius et al. 2021; the names of facebookresearch/TimeSformer and HF): what
/// <see cref="TimeSformer"/> runs over its embedded patches. Like a <see cref="ViViTVariant"/> it registers its parts on
/// the model, knows its FLOPs and how its attention map is read; specs store its <see cref="AttentionVariant.Id"/>.
/// </summary>
[JsonConverter(typeof(AttentionVariantJsonConverter<TimeSformerAttention>))]
public abstract class TimeSformerAttention : AttentionVariant
{
    /// <inheritdoc />
    public sealed override string Family => "timesformer";

    /// <summary>
    /// Builds the scheme's parts for <paramref name="config"/> (after <c>patch_embed</c>, <c>cls_token</c> and
    /// <c>pos_embed</c>, before <c>head</c>) and returns the encoder that runs them.
    /// </summary>
    public abstract TimeSformerEncoder Build(TimeSformerConfig config, ModelParts parts);

    /// <summary>FLOPs of the blocks for one clip of <paramref name="frames"/> frames of <paramref name="patches"/> patches each.</summary>
    public abstract long EncoderFlops(TimeSformerConfig config, long frames, long patches);

    /// <summary>How the attention map of a clip of <paramref name="frames"/> frames with a patch grid of <paramref name="grid"/> is read.</summary>
    public abstract AttentionReadout AttentionMap(TimeSformerConfig config, long frames, (long h, long w) grid);

    /// <summary>divided_space_time: temporal then spatial attention in every block (the paper's best).</summary>
    public static TimeSformerAttention DividedSpaceTime => TimeSformerDividedSpaceTime.Instance;
    /// <summary>joint_space_time: one attention over all patches of all frames.</summary>
    public static TimeSformerAttention JointSpaceTime => TimeSformerJointSpaceTime.Instance;
    /// <summary>space_only: attention within each frame; frames are averaged at the end.</summary>
    public static TimeSformerAttention SpaceOnly => TimeSformerSpaceOnly.Instance;

    /// <summary>Every registered TimeSformer attention scheme, in the registry's order.</summary>
    public static IReadOnlyList<TimeSformerAttention> All => ModelRegistry.Variants.OfType<TimeSformerAttention>().ToList();

    /// <summary>The scheme named <paramref name="name"/> (name, alias or id).</summary>
    /// <exception cref="ArgumentException">No TimeSformer attention scheme has that name.</exception>
    public static TimeSformerAttention Parse(string name) => ModelRegistry.Variant<TimeSformerAttention>("timesformer", name);
}
