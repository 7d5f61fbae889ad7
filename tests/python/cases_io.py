"""Reference cases for the serialization tests (see SafeTensorsTorchTests.cs)."""
from reference_registry import case


@case("echo")
def echo(t, a):
    """Returns a copy of every input: safetensors_np read it, torch held it, safetensors_np writes it back.
    The copies keep autograd history, so d(output x)/d(input x) is the identity (the harness tests use that)."""
    return {name: tensor.clone() for name, tensor in t.items()}


@case("raise")
def raise_error(t, a):
    """Fails on purpose, so that the harness tests can check how errors travel back."""
    raise ValueError(a.get("message", "requested failure"))
