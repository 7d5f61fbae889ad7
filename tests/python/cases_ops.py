"""Reference cases for the tensor ops and nn.functional (see tests/VideoTransformers.Torch.Tests/OpParityTests.cs).

Each case computes a batch of related ops on the inputs the .NET test sent, so that one round trip checks
many ops. Where a test varies parameters (convolution strides, interpolation sizes, loss options), they
come in `args`, so that both sides read them from one place.
"""
import torch
import torch.nn.functional as F

from reference_registry import case

DTYPES = {"float32": torch.float32, "float64": torch.float64, "int64": torch.int64, "uint8": torch.uint8,
          "bool": torch.bool}


@case("creation")
def creation(t, a):
    return {
        "zeros_f32": torch.zeros(2, 3),
        "zeros_i64": torch.zeros(4, dtype=torch.int64),
        "ones_f64": torch.ones(3, 2, dtype=torch.float64),
        "ones_u8": torch.ones(5, dtype=torch.uint8),
        "full_f32": torch.full((2, 2), 3.5),
        "full_f64": torch.full((3,), -0.1, dtype=torch.float64),
        "full_i64": torch.full((3,), 7, dtype=torch.int64),
        "full_bool": torch.full((2,), True),
        "scalar": torch.full((), 2.5),
        "arange_5": torch.arange(5),
        "arange_step": torch.arange(2, 11, 3),
        "arange_neg": torch.arange(5, -5, -2),
        "arange_frac": torch.arange(1, 2, 0.25),
        "arange_f64": torch.arange(-1.5, 2, 0.5, dtype=torch.float64),
        "arange_f32": torch.arange(0, 5, dtype=torch.float32),
        "linspace": torch.linspace(0, 1, 5),
        "eye": torch.eye(3),
    }


@case("shape_ops")
def shape_ops(t, a):
    x, y, z, s, idx = t["x"], t["y"], t["z"], t["s"], t["idx"]
    return {
        "reshape": x.reshape(4, 6),
        "reshape_infer": x.reshape(-1, 4),
        "view": x.view(6, 4),
        "permute": x.permute(2, 0, 1),
        "transpose": x.transpose(0, 2),
        "contiguous": x.transpose(1, 2).contiguous(),
        "flatten": x.flatten(1),
        "flatten_all": x.flatten(),
        "unsqueeze": x.unsqueeze(1),
        "unsqueeze_neg": x.unsqueeze(-1),
        "squeeze": s.squeeze(),
        "squeeze_dim": s.squeeze(1),
        "expand": z.expand(2, 3, 4),
        "expand_keep": z.expand(2, -1, 4),
        "cat": torch.cat([x, y], 0),
        "cat_last": torch.cat([x, y, x], -1),
        "stack": torch.stack([x, y], 0),
        "stack_inner": torch.stack([x, y], 2),
        "narrow": x.narrow(2, 1, 2),
        "slice_step": x[:, :, 0:4:2],
        "slice": x[:, 1:3],
        "select": x.select(1, 2),
        "index_select": x.index_select(1, idx),
        "flip": x.flip(0, 2),
    }


@case("elementwise")
def elementwise(t, a):
    x, p, c, i = t["x"], t["p"], t["c"], t["i"]
    return {
        "add": x + p,
        "sub": x - p,
        "mul": x * p,
        "div": x / p,
        "add_alpha": torch.add(x, p, alpha=0.5),
        "add_bcast": x + c,
        "mul_bcast": x * c,
        "add_s": x + 2.5,
        "sub_s": x - 1.5,
        "mul_s": x * 3.0,
        "div_s": x / 4.0,
        "rsub_s": 2.0 - x,
        "rdiv_s": 3.0 / p,
        "pow_s": x.pow(3.0),
        "pow_t": p.pow(x),
        "neg": -x,
        "exp": x.exp(),
        "log": p.log(),
        "sqrt": p.sqrt(),
        "rsqrt": p.rsqrt(),
        "abs": x.abs(),
        "square": x.square(),
        "reciprocal": p.reciprocal(),
        "tanh": x.tanh(),
        "sigmoid": x.sigmoid(),
        "sin": x.sin(),
        "cos": x.cos(),
        "erf": x.erf(),
        "maximum": torch.maximum(x, p),
        "minimum": torch.minimum(x, p),
        "i_mul": i * 2,
        "i_add": i + 3,
        "i_sub": i - 1,
        "i_mul_f": i * 2.5,
        "i_div_f": i / 2.0,
    }


@case("compare")
def compare(t, a):
    u, v, cond, x, y = t["u"], t["v"], t["cond"], t["x"], t["y"]
    return {
        "eq": u == v, "ne": u != v, "lt": u < v, "le": u <= v, "gt": u > v, "ge": u >= v,
        "eq_s": u == 0.5, "ne_s": u != 0.5, "lt_s": u < 0.5, "le_s": u <= 0.5, "gt_s": u > 0.5, "ge_s": u >= 0.5,
        "logical_and": torch.logical_and(u > 0, v > 0),
        "logical_or": torch.logical_or(u > 0, v > 0),
        "logical_not": torch.logical_not(u > 0),
        "where": torch.where(cond, x, y),
        "where_cmp": torch.where(x > y, x, y * 2.0),
        "clamp": x.clamp(-0.5, 0.7),
        "clamp_min": x.clamp(min=-0.2),
        "clamp_max": x.clamp(max=0.3),
    }


@case("reductions")
def reductions(t, a):
    x, i = t["x"], t["i"]
    max_v, max_i = x.max(1)
    maxk_v, maxk_i = x.max(-1, keepdim=True)
    top_v, top_i = x.topk(3, dim=-1)
    low_v, low_i = x.topk(2, dim=1, largest=False)
    return {
        "sum": x.sum(),
        "sum_dim": x.sum(1),
        "sum_dims_keep": x.sum([0, 2], keepdim=True),
        "mean": x.mean(),
        "mean_dim_keep": x.mean(-1, keepdim=True),
        "mean_dims": x.mean([1, 2]),
        "max": x.max(),
        "max_dim": max_v, "max_dim_idx": max_i,
        "max_keep": maxk_v, "max_keep_idx": maxk_i,
        "argmax": x.argmax(),
        "argmax_dim": x.argmax(2),
        "argmax_keep": x.argmax(1, keepdim=True),
        "topk": top_v, "topk_idx": top_i,
        "topk_low": low_v, "topk_low_idx": low_i,
        "i_sum": i.sum(),
    }


@case("linalg")
def linalg(t, a):
    m, n, v, A, B, W, bias = t["m"], t["n"], t["v"], t["A"], t["B"], t["W"], t["bias"]
    return {
        "matmul": m @ n,
        "matmul_mv": m @ v,
        "matmul_vm": v @ n,
        "matmul_batched": A @ B,
        "matmul_bcast": A @ n,
        "bmm": torch.bmm(A, B),
        "mm": torch.mm(m, n),
        "linear": F.linear(A, W, bias),
        "linear_nobias": F.linear(m, W),
    }


@case("conv")
def conv(t, a):
    c2, c3 = a["conv2d"], a["conv3d"]
    return {
        "conv2d": F.conv2d(t["x2"], t["w2"], t["b2"], stride=c2["stride"], padding=c2["padding"],
                           dilation=c2["dilation"], groups=c2["groups"]),
        "conv2d_plain": F.conv2d(t["x2"], t["w2p"]),
        "conv3d": F.conv3d(t["x3"], t["w3"], t["b3"], stride=c3["stride"], padding=c3["padding"],
                           dilation=c3["dilation"], groups=c3["groups"]),
    }


@case("activations")
def activations(t, a):
    x, x3 = t["x"], t["x3"]
    return {
        "softmax": F.softmax(x, -1),
        "softmax_0": F.softmax(x, 0),
        "log_softmax": F.log_softmax(x, -1),
        "log_softmax_0": F.log_softmax(x, 0),
        "layer_norm": F.layer_norm(x3, [4], t["ln_w"], t["ln_b"], eps=1e-5),
        "layer_norm_2d": F.layer_norm(x3, [3, 4], t["ln2_w"], t["ln2_b"], eps=1e-6),
        "layer_norm_plain": F.layer_norm(x3, [4]),
        "gelu": F.gelu(x),
        "gelu_tanh": F.gelu(x, approximate="tanh"),
        "relu": F.relu(x),
        "dropout_p0": F.dropout(x, 0.0, training=True),
        "dropout_eval": F.dropout(x, 0.5, training=False),
    }


@case("cross_entropy")
def cross_entropy(t, a):
    out = {}
    for v in a["variants"]:
        out[v["name"]] = F.cross_entropy(
            t[v["input"]], t[v["target"]], weight=t["weight"] if v["weighted"] else None,
            reduction=v["reduction"], ignore_index=v["ignore_index"], label_smoothing=v["label_smoothing"])
    return out


@case("lstm")
def lstm(t, a):
    m = torch.nn.LSTM(a["input_size"], a["hidden_size"], num_layers=a["num_layers"], batch_first=a["batch_first"],
                      bidirectional=a["bidirectional"]).to(t["x"].dtype)
    names = set(m._flat_weights_names)
    sent = {k for k in t if k.startswith(("weight_", "bias_"))}
    if sent != names:
        raise ValueError(f"parameter names differ from torch.nn.LSTM's: sent {sorted(sent)}, expected {sorted(names)}")
    # Swap the module's parameters for the tensors we were sent, so that nn.LSTM.forward (with its
    # checks and its own ordering of the flat weights) runs on exactly our weights and gradients flow to them.
    for n in m._flat_weights_names:
        del m._parameters[n]
        setattr(m, n, t[n])
    out, (h, c) = m(t["x"], (t["h0"], t["c0"]))
    return {"output": out, "h_n": h, "c_n": c}


@case("interpolate")
def interpolate(t, a):
    out = {}
    for v in a["variants"]:
        align = None if v["mode"] == "nearest" else v["align_corners"]
        out[v["name"]] = F.interpolate(t[v["input"]], size=tuple(v["size"]), mode=v["mode"], align_corners=align)
    return out


@case("grid")
def grid(t, a):
    out = {}
    for v in a["variants"]:
        g = F.affine_grid(t[v["theta"]], v["size"], align_corners=v["align_corners"])
        out["grid_" + v["name"]] = g
        out["sample_" + v["name"]] = F.grid_sample(t[v["input"]], g, mode=v["mode"], padding_mode=v["padding"],
                                                   align_corners=v["align_corners"])
    return out
