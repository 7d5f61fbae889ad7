"""A long-lived PyTorch reference for the .NET parity tests.

Run with Debian's Python (the one that has torch): /usr/bin/python3 reference_server.py

Protocol: one JSON object per line on stdin, one JSON line per request on stdout.

  start-up   the server first prints {"ok": true, "ready": true, "torch": "<version>", "cases": [...]}
  request    {"case": "<name>", "input": "<in.safetensors>", "output": "<out.safetensors>",
              "args": {...}, "grad": ["<input name>", ...]}
             "args" and "grad" are optional. The inputs are read with safetensors_np. Inputs named
             "grad_out:<output>" are not passed to the case: they are upstream gradients. For every
             output that has one and every input listed in "grad", the server writes
             "grad:<output>:<input>" = d<output>/d<input> applied to that upstream gradient (omitted
             when the output does not depend on the input), computed with torch.autograd.grad.
             When "grad" is non-empty, every output that requires grad here must have an upstream
             gradient, and every output that has one must require grad: otherwise the request fails,
             so that a caller whose output lost its graph cannot pass on values alone.
  reply      {"ok": true, "outputs": [names written]} after writing the output file, or
             {"ok": false, "error": "<traceback>"}; the server keeps serving after an error.

The server exits at end of input. Cases live in cases_*.py next to this file (see reference_registry.py).
Everything a case prints goes to stderr, so stdout carries only the protocol.
"""
import glob
import importlib
import json
import os
import sys
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import numpy as np  # noqa: E402
import torch  # noqa: E402

import safetensors_np  # noqa: E402
from reference_registry import CASES  # noqa: E402

GRAD_OUT = "grad_out:"

# safetensors dtype <-> torch dtype. BF16 travels as raw uint16 bits in safetensors_np.
TORCH_OF = {
    "F64": torch.float64, "F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16,
    "I64": torch.int64, "I32": torch.int32, "I16": torch.int16, "I8": torch.int8, "U8": torch.uint8,
    "BOOL": torch.bool,
}
NAME_OF = {v: k for k, v in TORCH_OF.items()}


def to_torch(dtype, array):
    if dtype == "BF16":
        return torch.from_numpy(np.array(array).view(np.int16)).view(torch.bfloat16)
    return torch.from_numpy(np.array(array))  # np.array copies: the loaded buffers are read-only


def to_entry(name, tensor):
    if not isinstance(tensor, torch.Tensor):
        raise TypeError(f"output {name!r} is a {type(tensor).__name__}, not a torch.Tensor")
    t = tensor.detach().cpu().contiguous()
    if t.dtype not in NAME_OF:
        raise TypeError(f"output {name!r} has dtype {t.dtype}, which safetensors_np cannot store")
    if t.dtype == torch.bfloat16:
        return "BF16", t.view(torch.int16).numpy().view(np.uint16)
    return NAME_OF[t.dtype], t.numpy()


def load_cases():
    for path in sorted(glob.glob(os.path.join(HERE, "cases_*.py"))):
        importlib.import_module(os.path.splitext(os.path.basename(path))[0])


def handle(request):
    name = request["case"]
    if name not in CASES:
        raise KeyError(f"unknown case {name!r}; known cases: {', '.join(sorted(CASES))}")
    args = request.get("args") or {}
    grad_inputs = request.get("grad") or []
    loaded, _ = safetensors_np.load(request["input"])
    inputs, upstream = {}, {}
    for key, (dtype, array) in loaded.items():
        if key.startswith(GRAD_OUT):
            upstream[key[len(GRAD_OUT):]] = to_torch(dtype, array)
        else:
            inputs[key] = to_torch(dtype, array)
    for key in grad_inputs:
        if key not in inputs:
            raise KeyError(f"gradient requested for input {key!r}, which was not sent")
        inputs[key].requires_grad_(True)

    with torch.enable_grad():
        outputs = CASES[name](inputs, args)
    if not isinstance(outputs, dict):
        raise TypeError(f"case {name!r} returned {type(outputs).__name__}, not a dict of tensors")

    result = {key: value for key, value in outputs.items()}
    if grad_inputs:
        # An output that carries gradients here but was sent no upstream gradient is one the caller could not
        # differentiate: its value may match while its graph was cut (a stray detach). Say so rather than
        # silently comparing values alone.
        undifferentiated = sorted(k for k, v in outputs.items()
                                  if isinstance(v, torch.Tensor) and v.requires_grad and k not in upstream)
        if undifferentiated:
            raise ValueError(f"outputs {undifferentiated} require grad in PyTorch's case {name!r}, but no upstream "
                             "gradient was sent for them: the caller's outputs do not require grad (detached?)")
    for out_name, g in upstream.items():
        if out_name not in outputs:
            raise KeyError(f"upstream gradient given for {out_name!r}, which case {name!r} does not output")
        out = outputs[out_name]
        if not out.requires_grad:
            raise ValueError(f"upstream gradient given for {out_name!r}, which does not require grad")
        wrt = [inputs[k] for k in grad_inputs]
        grads = torch.autograd.grad([out], wrt, [g], retain_graph=True, allow_unused=True)
        for key, gr in zip(grad_inputs, grads):
            if gr is not None:
                result[f"grad:{out_name}:{key}"] = gr

    safetensors_np.save(request["output"], {k: to_entry(k, v) for k, v in result.items()})
    return {"ok": True, "outputs": list(result)}


def main():
    protocol = sys.stdout
    sys.stdout = sys.stderr  # stray prints must not corrupt the protocol
    torch.set_num_threads(int(os.environ.get("VT_REFERENCE_THREADS", "1")))

    def reply(obj):
        protocol.write(json.dumps(obj) + "\n")
        protocol.flush()

    try:
        load_cases()
    except Exception:  # a broken cases file is reported, not a silent hang
        reply({"ok": False, "ready": False, "error": traceback.format_exc()})
        return
    reply({"ok": True, "ready": True, "torch": torch.__version__, "cases": sorted(CASES)})
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        try:
            reply(handle(json.loads(line)))
        except Exception:
            reply({"ok": False, "error": traceback.format_exc()})


if __name__ == "__main__":
    main()
