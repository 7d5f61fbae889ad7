using VideoTransformers.Torch;
using Xunit.Sdk;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VideoTransformers.TestSupport;

/// <summary>
/// Compares our computation with a PyTorch reference case, values and gradients, in one round trip.
/// </summary>
public static class Parity
{
    /// <summary>
    /// Runs <paramref name="ours"/> on <paramref name="inputs"/> and the Python case <paramref name="case"/> on the same
    /// inputs, and asserts that both produce the same set of outputs with equal values (within
    /// <see cref="TensorAssert.DefaultTolerance"/> of each output's dtype, or <paramref name="atol"/>/<paramref name="rtol"/>).
    /// <para>
    /// For every floating-point output of ours that requires grad, a seeded random upstream gradient is drawn and
    /// the gradient of that output with respect to each input named in <paramref name="grad"/> is compared too
    /// (torch.autograd.grad on both sides, one output at a time, so a failure names the op). Inputs in
    /// <paramref name="grad"/> are replaced by fresh leaves that require grad, unless they already are leaves that
    /// require grad (e.g. a module's parameters, which the computation uses directly).
    /// </para>
    /// Every difference is collected and reported at once. Returns the number of tensors compared.
    /// </summary>
    public static int Check(this PythonReference reference, string @case, IDictionary<string, Tensor> inputs,
        Func<IReadOnlyDictionary<string, Tensor>, IDictionary<string, Tensor>> ours, object? args = null,
        IReadOnlyCollection<string>? grad = null, double? atol = null, double? rtol = null, int seed = 1)
    {
        using var scope = NewDisposeScope();
        grad ??= [];
        foreach (var g in grad)
            if (!inputs.ContainsKey(g)) throw new ArgumentException($"gradient requested for '{g}', which is not an input", nameof(grad));

        var leaves = new Dictionary<string, Tensor>();
        foreach (var (name, value) in inputs)
            leaves[name] = grad.Contains(name) && !(value.requires_grad && value.is_leaf)
                ? value.detach().clone().requires_grad_()
                : value;
        var gradNames = grad.ToList();
        var gradLeaves = gradNames.Select(n => leaves[n]).ToList();

        var outputs = ours(leaves);

        // Upstream gradients and our gradients, output by output.
        var data = new TestData(seed);
        var upstream = new Dictionary<string, Tensor>();
        var ourGrads = new Dictionary<string, Tensor?>();
        if (gradNames.Count > 0)
        {
            foreach (var (name, output) in outputs.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                if (!is_floating_point(output.dtype) || !output.requires_grad) continue;
                var g = data.Randn(output.shape, output.dtype);
                upstream[name] = g;
                var grads = Autograd.Grad([output], gradLeaves, [g], retainGraph: true);
                for (var i = 0; i < gradNames.Count; i++) ourGrads[$"grad:{name}:{gradNames[i]}"] = grads[i];
            }
        }

        var sent = new Dictionary<string, Tensor>(inputs);
        foreach (var (name, g) in upstream) sent[PythonReference.GradOutPrefix + name] = g;
        var expected = reference.Run(@case, sent, args, gradNames);

        var problems = new List<string>();
        var compared = 0;
        void Compare(string name, Tensor actual, Tensor want)
        {
            compared++;
            var (da, dr) = TensorAssert.DefaultTolerance(want.dtype);
            var p = TensorAssert.Compare(actual, want, atol ?? da, rtol ?? dr, $"{@case}/{name}");
            if (p != null) problems.Add(p);
        }

        foreach (var (name, output) in outputs)
        {
            if (!expected.TryGetValue(name, out var want)) problems.Add($"{@case}/{name}: PyTorch's case has no output '{name}'.");
            else Compare(name, output.detach(), want);
        }
        foreach (var name in expected.Keys.Where(k => !k.StartsWith("grad:", StringComparison.Ordinal) && !outputs.ContainsKey(k)))
            problems.Add($"{@case}/{name}: PyTorch's case has an output '{name}' that ours lacks.");
        foreach (var (key, mine) in ourGrads)
        {
            expected.TryGetValue(key, out var want);
            if (mine is null && want is null) continue;
            if (mine is null) problems.Add($"{@case}/{key}: PyTorch has this gradient but ours is undefined (no path from the input to the output).");
            else if (want is null) problems.Add($"{@case}/{key}: ours has this gradient but PyTorch's is undefined.");
            else Compare(key, mine, want);
        }
        foreach (var key in expected.Keys.Where(k => k.StartsWith("grad:", StringComparison.Ordinal) && !ourGrads.ContainsKey(k)))
            problems.Add($"{@case}/{key}: PyTorch computed this gradient but ours was not (does our output require grad?).");

        if (problems.Count > 0)
            throw new XunitException($"{problems.Count} difference(s) from PyTorch in case '{@case}':\n  " + string.Join("\n  ", problems));
        return compared;
    }
}
