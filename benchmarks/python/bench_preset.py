"""PyTorch eager twin of `vt bench`: the same architecture (built from the same ModelSpec JSON with the independent
reference in tests/python/ref_models.py, so parameter counts and FLOPs are identical), the same batch, the same step.

usage: /usr/bin/python3 bench_preset.py SPEC.json --mode train|infer --batch-size N --steps N [--warmup N] [--threads N]
prints one JSON line like vt bench.
"""
import argparse
import json
import os
import resource
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tests", "python"))
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

import ref_models  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("spec")
    ap.add_argument("--mode", default="train", choices=["train", "infer"])
    ap.add_argument("--batch-size", type=int, default=8)
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--preset", default="")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    spec = json.load(open(a.spec))
    model = ref_models.build(spec)
    cfg = next(v for k, v in spec.items() if k != "Model")
    shape = sample_shape(spec)
    classes = cfg["Classes"]
    x = torch.randn(a.batch_size, *shape)
    y = torch.randint(classes, (a.batch_size,))
    opt = torch.optim.Adam(model.parameters(), lr=1e-4)
    model.train(a.mode == "train")
    times = []
    for i in range(a.warmup + a.steps):
        t0 = time.perf_counter()
        if a.mode == "train":
            loss = F.cross_entropy(model(x), y)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
        else:
            with torch.inference_mode():
                model(x)
        if i >= a.warmup:
            times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    med = times[len(times) // 2]
    print(json.dumps({
        "preset": a.preset, "mode": a.mode, "batch_size": a.batch_size, "steps": a.steps,
        "ms_per_step": round(med, 3), "ms_min": round(times[0], 3),
        "clips_per_second": round(a.batch_size * 1000 / med, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "threads": torch.get_num_threads(), "parameters": sum(p.numel() for p in model.parameters()),
    }))


def sample_shape(spec):
    m = spec["Model"]
    if m == "frame-vit":
        c = spec["FrameViT"]
        return [c["Frames"], c["Channels"], c["ImageHeight"], c["ImageWidth"]]
    if m == "vivit":
        c = spec["ViViT"]
        return [c["Frames"], c["Channels"], c["ImageHeight"], c["ImageWidth"]]
    if m == "timesformer":
        c = spec["TimeSformer"]
        return [c["Frames"], c["Channels"], c["ImageHeight"], c["ImageWidth"]]
    if m == "actionbert":
        c = spec["ActionBert"]
        fe = c.get("FrameEncoder")
        return [c["MaxLength"], fe["Channels"], fe["Height"], fe["Width"]] if fe else [c["MaxLength"], c["FeatureDim"]]
    c = spec["Rnn"]
    fe = c.get("FrameEncoder")
    return [c["Frames"], fe["Channels"], fe["Height"], fe["Width"]] if m == "cnn-lstm" else [c["Frames"], c["FeatureDim"]]


if __name__ == "__main__":
    main()
