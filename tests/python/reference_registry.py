"""The case registry of the PyTorch reference server (reference_server.py).

A case is a function `fn(t, args) -> {name: torch.Tensor}`:
  * `t` maps input names to torch tensors (the tensors the .NET test sent, loaded with safetensors_np;
    the ones listed for gradients already have requires_grad set);
  * `args` is the JSON object the test sent (a dict, empty when none was given);
  * it returns the named outputs. The server computes gradients of those outputs itself when the
    request asks for them, so a case only describes the forward computation.

Register cases with the decorator, in any module named cases_*.py next to this file; the server
imports all of them at start-up:

    from reference_registry import case

    @case("my_case")
    def my_case(t, args):
        return {"y": t["x"] * 2}
"""

CASES = {}


def case(name):
    """Registers the decorated function as the case `name` (names must be unique across all files)."""

    def register(fn):
        if name in CASES:
            other = CASES[name]
            raise ValueError(f"case {name!r} is registered twice ({other.__module__}.{other.__name__} and "
                             f"{fn.__module__}.{fn.__name__})")
        CASES[name] = fn
        return fn

    return register
