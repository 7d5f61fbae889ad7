"""Reference cases for the model zoo: a .NET ModelSpec and state dict in, logits (and gradients) out."""
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
