using VideoTransformers.Torch;
using static TorchSharp.torch;

namespace VideoTransformers.TestSupport;

/// <summary>
/// <c>torch.autograd.grad</c> for tests, made safe to call. TorchSharp's export does not catch libtorch's errors, so
/// an output that does not require grad, a grad_output of the wrong shape or a non-scalar output without one ends
/// the whole test process (SIGABRT) instead of failing one test. This checks everything libtorch would check up
/// front and throws an <see cref="ArgumentException"/> naming the culprit instead.
/// </summary>
public static class Autograd
{
    /// <summary>
    /// Gradients of <paramref name="outputs"/> (weighted by <paramref name="gradOutputs"/>, or 1 for scalar outputs)
    /// with respect to <paramref name="inputs"/>. An input that no output depends on gets null (PyTorch's None),
    /// never an invalid tensor.
    /// <para>
    /// One abort remains that cannot be checked beforehand: differentiating through a graph whose buffers an
    /// earlier call freed. Pass <paramref name="retainGraph"/> = true when the same graph is differentiated again.
    /// </para>
    /// </summary>
    /// <exception cref="ArgumentException">An output or input does not require grad or is disposed; a grad_output is missing, extra, or differs from its output in shape or dtype.</exception>
    public static Tensor?[] Grad(IReadOnlyList<Tensor> outputs, IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor>? gradOutputs = null,
        bool retainGraph = false, bool createGraph = false)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        ArgumentNullException.ThrowIfNull(inputs);
        if (outputs.Count == 0) throw new ArgumentException("autograd.grad needs at least one output.", nameof(outputs));
        if (inputs.Count == 0) throw new ArgumentException("autograd.grad needs at least one input.", nameof(inputs));
        for (var i = 0; i < outputs.Count; i++)
        {
            var o = outputs[i] ?? throw new ArgumentException($"output {i} is null.", nameof(outputs));
            if (o.IsInvalid) throw new ArgumentException($"output {i} is disposed.", nameof(outputs));
            if (!o.requires_grad)
                throw new ArgumentException(
                    $"output {i} ({o.dtype} {Shapes.Format(o.shape)}) does not require grad: no input that requires grad reaches it, or it was computed under no_grad or detached.",
                    nameof(outputs));
        }
        for (var i = 0; i < inputs.Count; i++)
        {
            var x = inputs[i] ?? throw new ArgumentException($"input {i} is null.", nameof(inputs));
            if (x.IsInvalid) throw new ArgumentException($"input {i} is disposed.", nameof(inputs));
            if (!x.requires_grad)
                throw new ArgumentException($"input {i} ({x.dtype} {Shapes.Format(x.shape)}) does not require grad, so it has no gradient.", nameof(inputs));
        }
        if (gradOutputs is null)
        {
            for (var i = 0; i < outputs.Count; i++)
                if (outputs[i].numel() != 1)
                    throw new ArgumentException(
                        $"output {i} has shape {Shapes.Format(outputs[i].shape)}: a gradient can be implied only for outputs of one element; pass grad_outputs.",
                        nameof(gradOutputs));
        }
        else
        {
            if (gradOutputs.Count != outputs.Count)
                throw new ArgumentException($"{gradOutputs.Count} grad_outputs for {outputs.Count} outputs; they pair up one to one.", nameof(gradOutputs));
            for (var i = 0; i < outputs.Count; i++)
            {
                var g = gradOutputs[i] ?? throw new ArgumentException($"grad_output {i} is null.", nameof(gradOutputs));
                if (g.IsInvalid) throw new ArgumentException($"grad_output {i} is disposed.", nameof(gradOutputs));
                if (!g.shape.SequenceEqual(outputs[i].shape))
                    throw new ArgumentException(
                        $"grad_output {i} has shape {Shapes.Format(g.shape)} but output {i} has shape {Shapes.Format(outputs[i].shape)}.", nameof(gradOutputs));
                if (g.dtype != outputs[i].dtype)
                    throw new ArgumentException($"grad_output {i} is {g.dtype} but output {i} is {outputs[i].dtype}.", nameof(gradOutputs));
                if (g.device_type != outputs[i].device_type)
                    throw new ArgumentException($"grad_output {i} is on {g.device} but output {i} is on {outputs[i].device}.", nameof(gradOutputs));
            }
        }

        // allow_unused: without it an input that no output reaches is a libtorch error, i.e. an abort.
        var grads = autograd.grad(outputs.ToList(), inputs.ToList(), gradOutputs?.ToList(), retainGraph, createGraph, allow_unused: true);
        var result = new Tensor?[grads.Count];
        for (var i = 0; i < grads.Count; i++)
        {
            // TorchSharp wraps an undefined gradient in a Tensor with an empty handle; any use of it throws.
            if (grads[i].IsInvalid) grads[i].Dispose();
            else result[i] = grads[i];
        }
        return result;
    }
}
