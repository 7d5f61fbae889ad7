using VideoTransformers.Blocks;
using VideoTransformers.Data.Datasets;
using VideoTransformers.Models;
using VideoTransformers.Zoo;

namespace VideoTransformers.Training.Configuration;

/// <summary>
/// The model half of a run configuration: the KTH FrameViT study's keys (<c>model_name</c>, <c>patch_size</c>, <c>token_dim</c>,
/// <c>attn_dim</c>, <c>num_heads</c>, <c>mlp_size</c>, <c>num_tf_layers</c>, <c>num_classes</c>, <c>max_frames</c>,
/// <c>slicing_step</c>) and the keys the other families need. Every value is optional; <see cref="ToModelSpec"/> fills
/// the gaps from the dataset and the zoo's defaults.
/// </summary>
public sealed record ModelOptions
{
    /// <summary>
    /// Model family (<c>model_name</c>): one of <see cref="ModelRegistry.Families"/>. The loader stores the family's own
    /// name for an older spelling (<c>ViT</c>, see <see cref="ModelZoo.FamilyAliases"/>).
    /// </summary>
    public string? ModelName { get; init; }
    /// <summary>A <see cref="ModelZoo.Presets"/> name to start from (<c>model_preset</c>).</summary>
    public string? Preset { get; init; }
    /// <summary>The family's attention variant (<c>variant</c>): a name of one of <see cref="ModelFamily.Variants"/>.</summary>
    public string? Variant { get; init; }
    /// <summary>Classes (<c>num_classes</c>).</summary>
    public long? NumClasses { get; init; }
    /// <summary>Frames read from each video before slicing (<c>max_frames</c>).</summary>
    public long? MaxFrames { get; init; }
    /// <summary>Keep every n-th of the <see cref="MaxFrames"/> frames (<c>slicing_step</c>).</summary>
    public long? SlicingStep { get; init; }
    /// <summary>Frame height (<c>image_height</c>, or <c>image_size</c> for both sides).</summary>
    public long? ImageHeight { get; init; }
    /// <summary>Frame width (<c>image_width</c>, or <c>image_size</c> for both sides).</summary>
    public long? ImageWidth { get; init; }
    /// <summary>Channels (<c>channels</c>).</summary>
    public long? Channels { get; init; }
    /// <summary>Square patch size (<c>patch_size</c>); for ViViT the tubelet's height and width.</summary>
    public long? PatchSize { get; init; }
    /// <summary>ViViT tubelet [t, h, w] (<c>tubelet_size</c>).</summary>
    public IReadOnlyList<long>? TubeletSize { get; init; }
    /// <summary>Token dimension (<c>token_dim</c>).</summary>
    public long? TokenDim { get; init; }
    /// <summary>FrameViT's attention dimension (<c>attn_dim</c>).</summary>
    public long? AttnDim { get; init; }
    /// <summary>Heads (<c>num_heads</c>).</summary>
    public long? NumHeads { get; init; }
    /// <summary>MLP hidden size (<c>mlp_size</c>).</summary>
    public long? MlpSize { get; init; }
    /// <summary>Transformer layers (<c>num_tf_layers</c>).</summary>
    public int? NumTfLayers { get; init; }
    /// <summary>ViViT factorised encoder's temporal layers (<c>temporal_layers</c>).</summary>
    public int? TemporalLayers { get; init; }
    /// <summary>ViViT pooling (<c>pooling</c>: cls or mean).</summary>
    public Pooling? Pooling { get; init; }
    /// <summary>LayerNorm epsilon (<c>layer_norm_eps</c>).</summary>
    public double? LayerNormEps { get; init; }
    /// <summary>Dropout (<c>dropout</c>).</summary>
    public double? Dropout { get; init; }
    /// <summary>Attention dropout (<c>attn_dropout</c>).</summary>
    public double? AttnDropout { get; init; }
    /// <summary>Stochastic depth of the last block (<c>drop_path</c>).</summary>
    public double? DropPath { get; init; }
    /// <summary>Hidden size of an MLP head (<c>head_hidden</c>).</summary>
    public long? HeadHidden { get; init; }
    /// <summary>Per-frame feature size of ActionBERT and the RNNs (<c>feature_dim</c>).</summary>
    public long? FeatureDim { get; init; }
    /// <summary>LSTM hidden size (<c>hidden_size</c>).</summary>
    public long? HiddenSize { get; init; }
    /// <summary>LSTM layers (<c>num_lstm_layers</c>).</summary>
    public long? NumLstmLayers { get; init; }

    /// <summary>
    /// Frames per clip: <c>ceil(max_frames / slicing_step)</c>, the length of the KTH FrameViT study's
    /// <c>frames[0:max_frames:slicing_step]</c>, computed by <see cref="FrameSlicing.Length(long, long)"/> as the
    /// samplers compute it; null without <see cref="MaxFrames"/>.
    /// </summary>
    public long? Frames => MaxFrames is { } m ? FrameSlicing.Length(m, EffectiveSlicingStep!.Value) : null;

    /// <summary>
    /// The stride a sampler applies: <see cref="SlicingStep"/>, or 1 (every frame) when only <see cref="MaxFrames"/> is
    /// given, as in the KTH FrameViT study's slice; null when neither is given (the data source keeps its own window and stride).
    /// </summary>
    public long? EffectiveSlicingStep => SlicingStep ?? (MaxFrames is null ? null : 1);

    /// <summary>
    /// Builds the model spec. Values from the file win; the arguments (the dataset's clip shape and class count)
    /// fill what the file leaves out; the zoo's defaults fill the rest.
    /// </summary>
    /// <exception cref="ArgumentException">The family is missing or unknown, or a needed size is given nowhere.</exception>
    public ModelSpec ToModelSpec(long? frames = null, long? channels = null, long? height = null, long? width = null,
        long? classes = null, long? featureDim = null)
    {
        var name = ModelName ?? throw new ArgumentException("model_name is not set.");
        var model = ModelZoo.ResolveFamily(name)
            ?? throw new ArgumentException($"Unknown model_name '{name}'; expected one of {string.Join(", ", ModelRegistry.FamilyNames)}.");
        var family = ModelRegistry.Family(model);
        long Need(long? value, string what) => value ?? throw new ArgumentException($"{model} needs {what}, which neither the configuration nor the dataset gives.");
        var t = Need(Frames ?? frames, "the clip length (max_frames)");
        var k = Need(NumClasses ?? classes, "num_classes");
        var data = family.Input == ModelInput.Features
            ? DataShape.Features(t, Need(FeatureDim ?? featureDim, "feature_dim"), k)
            : DataShape.Video(t, Need(Channels ?? channels, "channels"), Need(ImageHeight ?? height, "image_height (or image_size)"),
                Need(ImageWidth ?? width, "image_width (or image_size)"), k);
        return family.Apply(ModelZoo.ForData(model, Variant, data, Preset), ToOverrides());
    }

    /// <summary>The hyper-parameters this configuration sets, for <see cref="ModelFamily.Apply"/>.</summary>
    public ModelOverrides ToOverrides() => new()
    {
        PatchSize = PatchSize, TubeletSize = TubeletSize, Dim = TokenDim, AttnDim = AttnDim, Heads = NumHeads, MlpDim = MlpSize,
        Layers = NumTfLayers, TemporalLayers = TemporalLayers, Pooling = Pooling, LayerNormEps = LayerNormEps, Dropout = Dropout,
        AttnDropout = AttnDropout, DropPath = DropPath, HeadHidden = HeadHidden, FeatureDim = FeatureDim, HiddenSize = HiddenSize,
        LstmLayers = NumLstmLayers,
    };
}
