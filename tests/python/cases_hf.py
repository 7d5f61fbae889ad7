"""HF transformers architectures (VivitForVideoClassification, TimesformerForVideoClassification), re-implemented
with HF's module tree so that state_dict keys are HF's own, for testing the .NET checkpoint import.

`transformers` cannot be installed where the tests run, so these modules follow modeling_vivit.py and
modeling_timesformer.py: the same submodule names, the same computation (HF's ViViT uses gelu_fast and separate
query/key/value projections; TimeSformer a fused qkv and divided space-time attention).
"""
import json
import math
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

import safetensors_np
from reference_registry import case


def gelu_fast(x):
    return 0.5 * x * (1.0 + torch.tanh(x * 0.7978845608028654 * (1.0 + 0.044715 * x * x)))


ACT = {"gelu": F.gelu, "gelu_fast": gelu_fast}


class Dense(nn.Module):
    def __init__(self, i, o, bias=True):
        super().__init__()
        self.dense = nn.Linear(i, o, bias=bias)

    def forward(self, x):
        return self.dense(x)


# ---------------- ViViT ----------------
class VivitSelfAttention(nn.Module):
    def __init__(self, c):
        super().__init__()
        d = c["hidden_size"]
        self.h = c["num_attention_heads"]
        self.query, self.key, self.value = (nn.Linear(d, d, bias=c["qkv_bias"]) for _ in range(3))

    def forward(self, x):
        b, n, d = x.shape
        split = lambda t: t.view(b, n, self.h, d // self.h).permute(0, 2, 1, 3)
        q, k, v = split(self.query(x)), split(self.key(x)), split(self.value(x))
        p = (q @ k.transpose(-1, -2) / math.sqrt(d // self.h)).softmax(-1)
        return (p @ v).permute(0, 2, 1, 3).reshape(b, n, d)


class VivitAttention(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.attention = VivitSelfAttention(c)
        self.output = Dense(c["hidden_size"], c["hidden_size"])

    def forward(self, x):
        return self.output(self.attention(x))


class VivitLayer(nn.Module):
    def __init__(self, c):
        super().__init__()
        d = c["hidden_size"]
        self.attention = VivitAttention(c)
        self.intermediate = Dense(d, c["intermediate_size"])
        self.output = Dense(c["intermediate_size"], d)
        self.layernorm_before = nn.LayerNorm(d, eps=c["layer_norm_eps"])
        self.layernorm_after = nn.LayerNorm(d, eps=c["layer_norm_eps"])
        self.act = ACT[c["hidden_act"]]

    def forward(self, x):
        x = x + self.attention(self.layernorm_before(x))
        return x + self.output(self.act(self.intermediate(self.layernorm_after(x))))


class VivitTubelet(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.projection = nn.Conv3d(c["num_channels"], c["hidden_size"], c["tubelet_size"], c["tubelet_size"])

    def forward(self, pixel_values):
        return self.projection(pixel_values.permute(0, 2, 1, 3, 4)).flatten(2).transpose(1, 2)


class VivitEmbeddings(nn.Module):
    def __init__(self, c):
        super().__init__()
        t, h, w = c["tubelet_size"]
        n = (c["num_frames"] // t) * (c["image_size"] // h) * (c["image_size"] // w)
        self.cls_token = nn.Parameter(torch.randn(1, 1, c["hidden_size"]) * 0.02)
        self.patch_embeddings = VivitTubelet(c)
        self.position_embeddings = nn.Parameter(torch.randn(1, n + 1, c["hidden_size"]) * 0.02)

    def forward(self, x):
        e = self.patch_embeddings(x)
        return torch.cat([self.cls_token.expand(e.shape[0], -1, -1), e], 1) + self.position_embeddings


class VivitEncoder(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.layer = nn.ModuleList([VivitLayer(c) for _ in range(c["num_hidden_layers"])])

    def forward(self, x):
        for l in self.layer:
            x = l(x)
        return x


class VivitModel(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.embeddings = VivitEmbeddings(c)
        self.encoder = VivitEncoder(c)
        self.layernorm = nn.LayerNorm(c["hidden_size"], eps=c["layer_norm_eps"])

    def forward(self, x):
        return self.layernorm(self.encoder(self.embeddings(x)))


class VivitForVideoClassification(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.vivit = VivitModel(c)
        self.classifier = nn.Linear(c["hidden_size"], c["num_labels"])

    def forward(self, x):
        return self.classifier(self.vivit(x)[:, 0])


# ---------------- TimeSformer ----------------
class TsSelfAttention(nn.Module):
    def __init__(self, c):
        super().__init__()
        d = c["hidden_size"]
        self.h = c["num_attention_heads"]
        self.qkv = nn.Linear(d, 3 * d, bias=c["qkv_bias"])

    def forward(self, x):
        b, n, d = x.shape
        q, k, v = self.qkv(x).reshape(b, n, 3, self.h, d // self.h).permute(2, 0, 3, 1, 4)
        p = ((q @ k.transpose(-2, -1)) * (d // self.h) ** -0.5).softmax(-1)
        return (p @ v).transpose(1, 2).reshape(b, n, d)


class TsAttention(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.attention = TsSelfAttention(c)
        self.output = Dense(c["hidden_size"], c["hidden_size"])

    def forward(self, x):
        return self.output(self.attention(x))


class TsLayer(nn.Module):
    def __init__(self, c):
        super().__init__()
        d, eps = c["hidden_size"], c["layer_norm_eps"]
        self.c = c
        self.attention = TsAttention(c)
        self.intermediate = Dense(d, c["intermediate_size"])
        self.output = Dense(c["intermediate_size"], d)
        self.layernorm_before = nn.LayerNorm(d, eps=eps)
        self.layernorm_after = nn.LayerNorm(d, eps=eps)
        if c["attention_type"] == "divided_space_time":
            self.temporal_layernorm = nn.LayerNorm(d, eps=eps)
            self.temporal_attention = TsAttention(c)
            self.temporal_dense = nn.Linear(d, d)
        self.act = ACT[c["hidden_act"]]

    def mlp(self, x):
        return x + self.output(self.act(self.intermediate(self.layernorm_after(x))))

    def forward(self, x):
        c = self.c
        if c["attention_type"] != "divided_space_time":
            return self.mlp(x + self.attention(self.layernorm_before(x)))
        t = c["num_frames"]
        b, _, d = x.shape
        s = (x.shape[1] - 1) // t
        xt = x[:, 1:].reshape(b * s, t, d)
        res = self.temporal_dense(self.temporal_attention(self.temporal_layernorm(xt)).reshape(b, s * t, d))
        xt = x[:, 1:] + res
        init_cls = x[:, :1]
        cls = init_cls.repeat(1, t, 1).reshape(b * t, 1, d)
        xs = xt.reshape(b, s, t, d).permute(0, 2, 1, 3).reshape(b * t, s, d)
        res_s = self.attention(self.layernorm_before(torch.cat([cls, xs], 1)))
        cls = res_s[:, 0].reshape(b, t, d).mean(1, keepdim=True)
        res_s = res_s[:, 1:].reshape(b, t, s, d).permute(0, 2, 1, 3).reshape(b, s * t, d)
        return self.mlp(torch.cat([init_cls, xt], 1) + torch.cat([cls, res_s], 1))


class TsPatch(nn.Module):
    def __init__(self, c):
        super().__init__()
        p = c["patch_size"]
        self.projection = nn.Conv2d(c["num_channels"], c["hidden_size"], p, p)

    def forward(self, x):
        b, t, ch, h, w = x.shape
        return self.projection(x.reshape(b * t, ch, h, w)).flatten(2).transpose(1, 2)


class TsEmbeddings(nn.Module):
    def __init__(self, c):
        super().__init__()
        d = c["hidden_size"]
        n = (c["image_size"] // c["patch_size"]) ** 2
        self.c = c
        self.patch_embeddings = TsPatch(c)
        self.cls_token = nn.Parameter(torch.randn(1, 1, d) * 0.02)
        self.position_embeddings = nn.Parameter(torch.randn(1, n + 1, d) * 0.02)
        if c["attention_type"] != "space_only":
            self.time_embeddings = nn.Parameter(torch.randn(1, c["num_frames"], d) * 0.02)

    def forward(self, x):
        b, t = x.shape[:2]
        e = self.patch_embeddings(x)
        e = torch.cat([self.cls_token.expand(e.shape[0], -1, -1), e], 1) + self.position_embeddings
        if self.c["attention_type"] == "space_only":
            return e
        cls = e[:b, 0].unsqueeze(1)
        e = e[:, 1:]
        _, s, d = e.shape
        e = e.view(b, t, s, d).permute(0, 2, 1, 3).reshape(b * s, t, d) + self.time_embeddings
        return torch.cat([cls, e.view(b, s, t, d).reshape(b, s * t, d)], 1)


class TsEncoder(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.layer = nn.ModuleList([TsLayer(c) for _ in range(c["num_hidden_layers"])])

    def forward(self, x):
        for l in self.layer:
            x = l(x)
        return x


class TsModel(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c
        self.embeddings = TsEmbeddings(c)
        self.encoder = TsEncoder(c)
        self.layernorm = nn.LayerNorm(c["hidden_size"], eps=c["layer_norm_eps"])

    def forward(self, x):
        b, t = x.shape[:2]
        h = self.encoder(self.embeddings(x))
        if self.c["attention_type"] == "space_only":
            h = h.reshape(b, t, -1, h.shape[-1]).mean(1)
        return self.layernorm(h)


class TimesformerForVideoClassification(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.timesformer = TsModel(c)
        self.classifier = nn.Linear(c["hidden_size"], c["num_labels"])

    def forward(self, x):
        return self.classifier(self.timesformer(x)[:, 0])


def packed(state_dict):
    """The same tensors as views of one flat storage: each at its own offset, and every matrix stored column-major
    (a transposed, non-contiguous view), so that torch.save writes one storage with offsets and strides."""
    flat = torch.empty(sum(v.numel() for v in state_dict.values()))
    out, at = {}, 0
    for k, v in state_dict.items():
        n = v.numel()
        view = flat[at:at + n].view(v.shape[1], v.shape[0]).t() if v.dim() == 2 else flat[at:at + n].view(v.shape)
        view.copy_(v)
        out[k] = view
        at += n
    assert all(not v.is_contiguous() for v in out.values() if v.dim() == 2 and min(v.shape) > 1)
    return out


@case("hf_checkpoint")
def hf_checkpoint(t, a):
    """Builds an HF-architecture model with random weights, writes config.json and its weights to a["dir"], and
    returns its logits on t["x"]. a["weights"] lists the files to write (default ["safetensors"]): "safetensors"
    (model.safetensors), "bin" (pytorch_model.bin, torch.save of the state dict in the zip format; with
    a["bin_layout"] == "packed", of the same tensors as strided views of one storage) and "legacy_bin"
    (pytorch_model.bin in the pre-1.6 format)."""
    torch.manual_seed(a.get("seed", 0))
    c = dict(a["config"])
    c["num_labels"] = len(c["id2label"])
    model = (VivitForVideoClassification if c["model_type"] == "vivit" else TimesformerForVideoClassification)(c).eval()
    with torch.no_grad():
        for p in model.parameters():
            p.add_(torch.randn_like(p) * 0.05)
    os.makedirs(a["dir"], exist_ok=True)
    with open(os.path.join(a["dir"], "config.json"), "w") as f:
        json.dump(c, f, indent=2)
    weights = a.get("weights", ["safetensors"])
    if "safetensors" in weights:
        safetensors_np.save(os.path.join(a["dir"], "model.safetensors"), {k: ("F32", v.detach().numpy()) for k, v in model.state_dict().items()})
    if "bin" in weights or "legacy_bin" in weights:
        sd = model.state_dict()
        if a.get("bin_layout", "state_dict") == "packed":
            sd = packed(sd)
        torch.save(sd, os.path.join(a["dir"], "pytorch_model.bin"), _use_new_zipfile_serialization="legacy_bin" not in weights)
    with torch.no_grad():
        return {"logits": model(t["x"])}


@case("torch_load")
def torch_load(t, a):
    """torch.load(a["path"]) with PyTorch's own restricted unpickler (weights_only): the state dict's tensors."""
    return {k: v.contiguous() for k, v in torch.load(a["path"], map_location="cpu", weights_only=True).items()}
