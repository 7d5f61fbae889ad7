using TorchSharp;
using TorchSharp.Modules;

namespace VideoTransformers.Models;

/// <summary>
/// A parameter that a <see cref="ModelParts"/> registered on its model. <see cref="Value"/> looks it up by name each time:
/// <c>Module.to(dtype)</c> and <c>to(device)</c> replace (and dispose) a parameter that is not a field of the model, so a
/// reference kept from construction would go stale.
/// </summary>
public sealed class ParameterHandle
{
    private readonly torch.nn.Module _owner;

    internal ParameterHandle(torch.nn.Module owner, string name)
    {
        _owner = owner;
        Name = name;
    }

    /// <summary>The parameter's name in the model.</summary>
    public string Name { get; }

    /// <summary>The model's current parameter.</summary>
    public Parameter Value => _owner.get_parameter(Name) ?? throw new InvalidOperationException($"{_owner.GetName()} has no parameter '{Name}'.");
}
