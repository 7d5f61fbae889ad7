"""Reference cases for the model zoo: a .NET ModelSpec and state dict in, logits (and gradients) out."""
import math

import torch
from torch.nn.utils import stateless

import ref_models
from reference_registry import case


def _state(t):
    return {k[2:]: v for k, v in t.items() if k.startswith("p.") or k.startswith("b.")}


@case("model_forward")
def model_forward(t, a):
    model = ref_models.build(a["spec"]).eval()
    state = _state(t)
    expected = set(model.state_dict().keys())
    got = set(state.keys())
    if expected != got:
        raise KeyError(f"state dict mismatch: missing {sorted(expected - got)}, unexpected {sorted(got - expected)}")
    extra = (t["lengths"],) if "lengths" in t else ()
    return {"logits": stateless.functional_call(model, state, (t["x"],) + extra)}


@case("block_forward")
def block_forward(t, a):
    kind = a["kind"]
    if kind == "attention":
        m = ref_models.Attention(a["dim"], a["heads"], a.get("attn_dim"))
        args = (t["x"], t["mask"]) if "mask" in t else (t["x"],)
    elif kind == "block":
        m = ref_models.Block(a["dim"], a["heads"], a["mlp"], a.get("attn_dim"), pre_norm=a.get("pre_norm", True))
        args = (t["x"],)
    elif kind == "patch_embedding":
        m = ref_models.PatchEmbedding(a["patch_dim"], a["dim"])
        args = (ref_models.patchify(t["x"], a["patch"]),)
    elif kind == "fdp":
        m = ref_models.FDPAttention(a["dim"], a["heads"])
        args = (t["x"],)
    else:
        raise ValueError(kind)
    return {"y": stateless.functional_call(m.eval(), _state(t), args)}


class _FlopCounter:
    """Counts 2·MACs of every matrix product and convolution that actually runs, seen at the ATen dispatch level.

    This is independent of the .NET FLOP formulas: it knows nothing about blocks or attention, only the shapes of
    the mm/addmm/bmm/convolution calls that PyTorch's own decompositions of the reference model issue."""

    def __init__(self):
        from torch.utils._python_dispatch import TorchDispatchMode

        counter = self

        class Mode(TorchDispatchMode):
            def __torch_dispatch__(self, func, types, args=(), kwargs=None):
                counter.count(func, args)
                return func(*args, **(kwargs or {}))

        self.mode = Mode()
        self.flops = 0
        self.ops = {}

    def count(self, func, args):
        name = func.overloadpacket.__name__
        if name == "mm":
            (m, k), n = args[0].shape, args[1].shape[1]
            f = 2 * m * k * n
        elif name == "addmm":
            (m, k), n = args[1].shape, args[2].shape[1]
            f = 2 * m * k * n
        elif name in ("bmm", "baddbmm"):
            a, b = (args[0], args[1]) if name == "bmm" else (args[1], args[2])
            f = 2 * a.shape[0] * a.shape[1] * a.shape[2] * b.shape[2]
        elif name == "convolution":
            x, w, out = args[0], args[1], None
            # Output elements × (in channels / groups) × kernel volume, as the .NET count.
            stride, padding, dilation, groups = args[3], args[4], args[5], args[8]
            spatial = []
            for i, size in enumerate(x.shape[2:]):
                k = w.shape[2 + i]
                spatial.append((size + 2 * padding[i] - dilation[i] * (k - 1) - 1) // stride[i] + 1)
            out = x.shape[0] * w.shape[0] * math.prod(spatial)
            f = 2 * out * w.shape[1] * math.prod(w.shape[2:])
        else:
            return
        self.flops += f
        self.ops[name] = self.ops.get(name, 0) + f


@case("model_counts")
def model_counts(t, a):
    """Parameter count (summed numel of the reference model) and FLOPs of one clip, counted while it runs."""
    model = ref_models.build(a["spec"]).eval()
    params = sum(p.numel() for p in model.parameters())
    x = torch.zeros(1, *a["sample_shape"])
    counter = _FlopCounter()
    with torch.no_grad(), counter.mode:
        model(x)
    print(f"model_counts: {counter.ops}")
    return {"params": torch.tensor(params, dtype=torch.int64), "flops": torch.tensor(counter.flops, dtype=torch.int64)}
