#!/usr/bin/env python3
"""How time and memory grow with the number of frames, for joint (ViViT model 1), divided (TimeSformer) and
factorised-encoder (ViViT model 2) attention at a fixed resolution: 64×64 grayscale, 16×16 patches (16 tokens per
frame, tubelet depth 1 so every model sees the same tokens), dim 192, 4 heads, MLP 768, 4 layers, batch 4.
Joint attention is quadratic in T·N; divided and factorised grow about linearly in T at this size.

usage: benchmarks/scaling_sweep.py [--frames 8,16,32] [--steps 5] [--threads 2] [--out docs/scaling]
Writes OUT.md (table), OUT.json (the rows) and OUT.png (plot, drawn with ScottPlot by the benchmarks program's
`scaling-plot` mode). Each point is a fresh `vt bench` process, so peak RSS is per point.
"""
import argparse
import json
import os
import subprocess
import tempfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
VT = os.path.join(ROOT, "artifacts", "vt", "vt")


def spec(kind, t):
    common = dict(Frames=t, ImageHeight=64, ImageWidth=64, Channels=1, Classes=6)
    if kind == "divided":
        return {"Model": "timesformer", "TimeSformer": dict(common, Attention="DividedSpaceTime", PatchSize=16, Dim=192, Heads=4, MlpDim=768,
                                                            Layers=4, LayerNormEps=1e-6, Gelu="none", QkvBias=True)}
    variant = "Joint" if kind == "joint" else "FactorisedEncoder"
    return {"Model": "vivit", "ViViT": dict(common, Variant=variant, TubeletT=1, TubeletH=16, TubeletW=16, Remainder="Error", Dim=192, Heads=4,
                                            MlpDim=768, Layers=4, TemporalLayers=2, Pooling="Cls", LayerNormEps=1e-5, Gelu="none")}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--frames", default="8,16,32")
    ap.add_argument("--steps", type=int, default=5)
    ap.add_argument("--threads", type=int, default=os.cpu_count(), help="libtorch intra-op threads (they also run the matrix products)")
    ap.add_argument("--batch-size", type=int, default=4)
    ap.add_argument("--out", default=os.path.join(ROOT, "docs", "scaling"))
    a = ap.parse_args()
    frames = [int(x) for x in a.frames.split(",")]
    kinds = ["joint", "divided", "factorised-encoder"]
    env = dict(os.environ)
    rows = []
    for kind in kinds:
        for t in frames:
            with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
                json.dump(spec(kind, t), f)
            r = json.loads(subprocess.run([VT, "bench", "--spec", f.name, "--mode", "train", "--batch-size", str(a.batch_size),
                                           "--steps", str(a.steps), "--threads", str(a.threads)],
                                          check=True, capture_output=True, text=True, env=env).stdout.strip().splitlines()[-1])
            os.unlink(f.name)
            rows.append(dict(kind=kind, frames=t, tokens=16 * t, ms=r["ms_per_step"], rss=r["peak_rss_mb"], gflop=r["gflop_per_step"]))
            print(json.dumps(rows[-1]))
    lines = [f"Training step, batch {a.batch_size}, {a.threads} libtorch intra-op thread(s), median of {a.steps} steps; 64×64×1 frames, 16 tokens per frame, dim 192, 4 layers.", "",
             "| attention | frames T | tokens T·N | ms / step | peak RSS MB | GFLOP / step |", "|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['kind']} | {r['frames']} | {r['tokens']} | {r['ms']:.0f} | {r['rss']:.0f} | {r['gflop']:.1f} |")
    with open(a.out + ".md", "w") as f:
        f.write("\n".join(lines) + "\n")
    with open(a.out + ".json", "w") as f:
        json.dump(dict(batch_size=a.batch_size, threads=a.threads, steps=a.steps, rows=rows), f, indent=1)
    # The plot is drawn by ScottPlot (TrainingCharts.ScalingSweep); `dotnet run` may build first, and that build should
    # not inherit a real-time policy (chrt -f) meant for the timed steps. PNG, because Skia's SVG canvas drops the
    # dash pattern that tells the memory lines from the time lines.
    subprocess.run(["dotnet", "run", "--project", os.path.join(ROOT, "benchmarks", "VideoTransformers.Benchmarks"), "-c", "Release", "--",
                    "scaling-plot", a.out + ".json", a.out + ".png"], check=True,
                   preexec_fn=lambda: os.sched_setscheduler(0, os.SCHED_OTHER, os.sched_param(0)))


if __name__ == "__main__":
    main()
