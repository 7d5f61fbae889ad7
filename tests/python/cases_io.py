"""Reference cases for the serialization tests (see SafeTensorsTorchTests.cs)."""
from reference_registry import case


@case("echo")
def echo(t, a):
    """Returns every input unchanged: safetensors_np read it, torch held it, safetensors_np wrote it back."""
    return {name: tensor.detach().clone() for name, tensor in t.items()}
