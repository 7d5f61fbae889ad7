using VideoTransformers.Torch;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VideoTransformers.Blocks;

/// <summary>Separate learned space and time embeddings: <c>space</c> [1, 1, S, D] and <c>time</c> [1, T, 1, D], added to [B, T, S, D].</summary>
public sealed class SpaceTimePositionalEmbedding : nn.Module<Tensor, Tensor>
{
    private readonly Parameter space;
    private readonly Parameter time;

    /// <summary>Creates the embeddings (truncated normal, std 0.02).</summary>
    public SpaceTimePositionalEmbedding(long frames, long spatialTokens, long dim) : base(nameof(SpaceTimePositionalEmbedding))
    {
        Frames = frames;
        SpatialTokens = spatialTokens;
        Dim = dim;
        // No dispose scope here: TorchSharp disposes a Parameter created inside one when the scope ends.
        space = Init.trunc_normal_parameter(0.02, 1, 1, spatialTokens, dim);
        time = Init.trunc_normal_parameter(0.02, 1, frames, 1, dim);
        RegisterComponents();
    }

    /// <summary>Trained number of time positions.</summary>
    public long Frames { get; }
    /// <summary>Trained number of spatial positions.</summary>
    public long SpatialTokens { get; }
    /// <summary>Token dimension.</summary>
    public long Dim { get; }

    /// <summary>Adds both embeddings; time is linearly interpolated when the frame count differs from training.</summary>
    public override Tensor forward(Tensor tokens)
    {
        var s = ThrowHelper.CheckRank(this, tokens, 4, nameof(SpaceTimePositionalEmbedding), $"[B, T, {SpatialTokens}, {Dim}]");
        if (s[2] != SpatialTokens || s[3] != Dim)
            throw new ArgumentException($"SpaceTimePositionalEmbedding expected [B, T, {SpatialTokens}, {Dim}], got {Shapes.Format(s)}.");
        using var scope = NewDisposeScope();
        var te = s[1] == Frames ? time.alias()
            : nn.functional.interpolate(time.reshape(1, Frames, Dim).transpose(1, 2), new[] { s[1] }, mode: InterpolationMode.Linear, align_corners: false)
                .transpose(1, 2).reshape(1, s[1], 1, Dim);
        return scope.MoveToOuter(tokens + space + te);
    }
}
