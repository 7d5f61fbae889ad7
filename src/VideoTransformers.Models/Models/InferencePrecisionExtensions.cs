using TorchSharp;
using static TorchSharp.torch;

namespace VideoTransformers.Models;

/// <summary>Conversions between <see cref="InferencePrecision"/>, its command-line names and libtorch dtypes.</summary>
public static class InferencePrecisionExtensions
{
    /// <summary>The names accepted by <see cref="Parse"/>, canonical first.</summary>
    public static IReadOnlyList<string> Names { get; } = ["fp32", "bf16"];

    /// <summary>Parses <c>fp32</c>/<c>float32</c> or <c>bf16</c>/<c>bfloat16</c> (case-insensitive).</summary>
    /// <exception cref="ArgumentException">Any other name; the message lists the accepted ones.</exception>
    public static InferencePrecision Parse(string name) => name?.ToLowerInvariant() switch
    {
        "fp32" or "float32" => InferencePrecision.Float32,
        "bf16" or "bfloat16" => InferencePrecision.BFloat16,
        _ => throw new ArgumentException($"Unknown precision '{name}'; expected fp32 or bf16."),
    };

    /// <summary>The canonical command-line name (<c>fp32</c> or <c>bf16</c>).</summary>
    public static string Name(this InferencePrecision precision) => precision switch
    {
        InferencePrecision.Float32 => "fp32",
        InferencePrecision.BFloat16 => "bf16",
        _ => throw new ArgumentOutOfRangeException(nameof(precision), precision, null),
    };

    /// <summary>The libtorch dtype of the precision.</summary>
    public static ScalarType ToScalarType(this InferencePrecision precision) => precision switch
    {
        InferencePrecision.Float32 => ScalarType.Float32,
        InferencePrecision.BFloat16 => ScalarType.BFloat16,
        _ => throw new ArgumentOutOfRangeException(nameof(precision), precision, null),
    };

    /// <summary>
    /// Puts <paramref name="model"/> in eval mode and converts its parameters and buffers to the precision, in place.
    /// Converting replaces the model's Parameter objects, so an optimizer built over the model before holds stale ones:
    /// this is for models that are only evaluated from here on.
    /// </summary>
    public static T ForInference<T>(this T model, InferencePrecision precision) where T : VideoClassifier
    {
        ArgumentNullException.ThrowIfNull(model);
        model.eval();
        var dtype = precision.ToScalarType();
        if (model.parameters().FirstOrDefault()?.dtype != dtype) model.to(dtype);
        return model;
    }

    /// <summary>
    /// <paramref name="input"/> in the dtype and on the device of <paramref name="model"/>'s parameters (an alias when it
    /// already is), so that a float32 clip can be fed to a bfloat16 model. Non-floating inputs are only moved.
    /// </summary>
    public static Tensor MatchInput(this VideoClassifier model, Tensor input)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(input);
        var p = model.parameters().FirstOrDefault();
        if (p is null) return input.alias();
        var dtype = input.is_floating_point() ? p.dtype : input.dtype;
        return input.dtype == dtype && input.device == p.device ? input.alias() : input.to(dtype, p.device);
    }
}
