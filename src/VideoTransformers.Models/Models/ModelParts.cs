using TorchSharp;
using TorchSharp.Modules;

namespace VideoTransformers.Models;

/// <summary>
/// Registers the parts an attention variant builds directly on its model, under the names the variant gives, so that a
/// variant decides its checkpoint keys (e.g. <c>cls_token</c>, <c>pos_embed</c>, <c>encoder</c>) without a prefix of its
/// own. Modules keep their identity when the model moves between dtypes and devices; parameters are reached through a
/// <see cref="ParameterHandle"/>.
/// </summary>
public sealed class ModelParts
{
    private readonly torch.nn.Module _owner;

    internal ModelParts(torch.nn.Module owner) => _owner = owner;

    /// <summary>Registers <paramref name="module"/> as the model's submodule <paramref name="name"/> and returns it.</summary>
    public T Add<T>(string name, T module) where T : torch.nn.Module
    {
        ArgumentNullException.ThrowIfNull(module);
        _owner.register_module(name, module);
        return module;
    }

    /// <summary>Registers <paramref name="parameter"/> as the model's parameter <paramref name="name"/>.</summary>
    public ParameterHandle Add(string name, Parameter parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        _owner.register_parameter(name, parameter);
        return new ParameterHandle(_owner, name);
    }
}
