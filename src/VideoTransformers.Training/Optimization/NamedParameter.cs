using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VideoTransformers.Training.Optimization;

/// <summary>A parameter with its dotted name in the module tree (e.g. <c>encoder.blocks.0.attn.qkv.weight</c>).</summary>
/// <param name="Name">The dotted name, as in the state dict.</param>
/// <param name="Parameter">The parameter.</param>
public sealed record NamedParameter(string Name, Parameter Parameter);
