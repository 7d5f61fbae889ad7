using VideoTransformers.Blocks;
using VideoTransformers.Models;

namespace VideoTransformers.Tests;

/// <summary>Small configurations of every model and variant, so that tests stay fast on 2 cores.</summary>
public static class SmallModels
{
    public static FrameViTConfig FrameViT => new() { ImageHeight = 32, ImageWidth = 32, Frames = 4, PatchSize = 16, TokenDim = 32, AttnDim = 32, Heads = 2, MlpDim = 64, Layers = 2, Classes = 5 };

    public static ViViTConfig ViViT(ViViTVariant v) => v == ViViTShiftedWindow.Instance ? ShiftedWindow : new()
    {
        Variant = v, Frames = 4, ImageHeight = 32, ImageWidth = 32, Channels = 1, TubeletT = 2, TubeletH = 16, TubeletW = 16,
        Dim = 32, Heads = 2, MlpDim = 64, Layers = 2, TemporalLayers = 1, Classes = 5,
        Pooling = v.HasClsToken ? Pooling.Cls : Pooling.Mean,
    };

    /// <summary>
    /// The shifted-window variant on a grid where every case of its window geometry occurs: 4×3×2 tokens in windows of
    /// 2×2×3, so that time is shifted, height is shifted and padded (3 → 4), and width is narrower than the window (clipped
    /// to 2, not shifted, its bias read with the 3-wide window's offsets). Block 0 uses regular windows, block 1 shifted ones.
    /// </summary>
    public static ViViTConfig ShiftedWindow => new()
    {
        Variant = ViViTShiftedWindow.Instance, Frames = 8, ImageHeight = 48, ImageWidth = 32, Channels = 1, TubeletT = 2, TubeletH = 16, TubeletW = 16,
        WindowT = 2, WindowH = 2, WindowW = 3, Dim = 32, Heads = 2, MlpDim = 64, Layers = 2, Classes = 5, Pooling = Pooling.Mean,
    };

    public static TimeSformerConfig TimeSformer(TimeSformerAttention a) => new()
    {
        Attention = a, Frames = 4, ImageHeight = 32, ImageWidth = 32, Channels = 1, PatchSize = 16, Dim = 32, Heads = 2, MlpDim = 64, Layers = 2, Classes = 5,
    };

    public static ActionBertConfig ActionBert => new() { FeatureDim = 16, MaxLength = 6, Dim = 32, Heads = 2, MlpDim = 64, Layers = 2, Classes = 5, Dropout = 0, AttnDropout = 0 };

    public static RnnConfig BiLstm => new() { FeatureDim = 16, Frames = 6, Hidden = 16, Classes = 5 };

    public static RnnConfig CnnLstm => new() { FeatureDim = 16, Frames = 4, Hidden = 16, Classes = 5, FrameEncoder = new FrameEncoderConfig(1, 16, 16, 8) };

    public static IEnumerable<(string name, Func<VideoClassifier> create)> All()
    {
        yield return ("FrameViT", () => new FrameViT(FrameViT));
        foreach (var v in ViViTVariant.All) yield return ($"ViViT-{v}", () => new ViViT(ViViT(v)));
        foreach (var a in TimeSformerAttention.All) yield return ($"TimeSformer-{a}", () => new TimeSformer(TimeSformer(a)));
        yield return ("ActionBert", () => new ActionBert(ActionBert));
        yield return ("ActionBert-e2e", () => new ActionBert(ActionBert with { FrameEncoder = new FrameEncoderConfig(1, 16, 16, 8), MaxLength = 4 }));
        yield return ("BiLstm", () => new BiLstm(BiLstm));
        yield return ("CnnLstm", () => new CnnLstm(CnnLstm));
    }

    public static IEnumerable<object[]> Names() => All().Select(m => new object[] { m.name });

    public static VideoClassifier Create(string name) => All().Single(m => m.name == name).create();
}
