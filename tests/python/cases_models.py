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
    elif kind == "window_attention":
        m = ref_models.WindowAttention3D(a["dim"], a["heads"], a["window"], a["shifted"])
        args = (t["x"],)
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


@case("positional_embeddings")
def positional_embeddings(t, a):
    """What the positional-embedding resizing and the sinusoidal tables should give, from F.interpolate and the
    sin/cos formula of Vaswani et al. (channel 2i: sin(p / T^(2i/d)), channel 2i+1: cos of the same angle)."""
    import torch.nn.functional as F

    w, prefix = t["weight"], a["prefix"]
    (h0, w0), (h1, w1) = a["grid0"], a["grid1"]
    dim = w.shape[-1]
    head, rest = w[:, :prefix], w[:, prefix:]
    img = rest.reshape(1, h0, w0, dim).permute(0, 3, 1, 2)
    grid = F.interpolate(img, size=(h1, w1), mode="bilinear", align_corners=False).permute(0, 2, 3, 1).reshape(1, h1 * w1, dim)
    seq = F.interpolate(rest.transpose(1, 2), size=a["length1"], mode="linear", align_corners=False).transpose(1, 2)
    time = t["time"]  # [1, T0, 1, D]
    t0 = time.shape[1]
    time1 = F.interpolate(time.reshape(1, t0, dim).transpose(1, 2), size=a["frames1"], mode="linear",
                          align_corners=False).transpose(1, 2).reshape(1, a["frames1"], 1, dim)

    def table1d(length, d, temperature=10000.0):
        p = torch.arange(length, dtype=torch.float64)[:, None]
        i = torch.arange(d // 2, dtype=torch.float64)[None, :]
        angle = p / temperature ** (2 * i / d)
        out = torch.empty(length, d, dtype=torch.float64)
        out[:, 0::2], out[:, 1::2] = torch.sin(angle), torch.cos(angle)
        return out

    n, d1 = a["table1d"]
    tt, th, tw, d3 = a["table3d"]
    part = d3 // 3 // 2 * 2
    dt = d3 - 2 * part
    et = table1d(tt, dt)[:, None, None, :].expand(tt, th, tw, dt)
    eh = table1d(th, part)[None, :, None, :].expand(tt, th, tw, part)
    ew = table1d(tw, part)[None, None, :, :].expand(tt, th, tw, part)
    return {
        "grid": torch.cat([head, grid], 1),
        "sequence": torch.cat([head, seq], 1),
        "time": time1,
        "table1d": table1d(n, d1).float(),
        "table3d": torch.cat([et, eh, ew], 3).reshape(tt * th * tw, d3).float(),
    }
