#!/usr/bin/env python3
"""How time and memory grow with the number of frames, for joint (ViViT model 1), divided (TimeSformer) and
factorised-encoder (ViViT model 2) attention at a fixed resolution: 64×64 grayscale, 16×16 patches (16 tokens per
frame, tubelet depth 1 so every model sees the same tokens), dim 192, 4 heads, MLP 768, 4 layers, batch 4.
Joint attention is quadratic in T·N; divided and factorised grow about linearly in T at this size.

usage: benchmarks/scaling_sweep.py [--frames 8,16,32] [--steps 5] [--threads 2] [--out docs/scaling]
Writes OUT.md (table) and OUT.svg (plot). Each point is a fresh `vt bench` process, so peak RSS is per point.
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
    open(a.out + ".md", "w").write("\n".join(lines) + "\n")
    open(a.out + ".svg", "w").write(plot(rows, kinds, frames))


def plot(rows, kinds, frames):
    w, h, m = 640, 400, 60
    ymax = max(r["ms"] for r in rows) * 1.1
    x = lambda t: m + (w - 2 * m) * (frames.index(t)) / max(1, len(frames) - 1)
    y = lambda v: h - m - (h - 2 * m) * v / ymax
    colors = {"joint": "#d62728", "divided": "#1f77b4", "factorised-encoder": "#2ca02c"}
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" font-family="sans-serif" font-size="12">',
           f'<rect width="{w}" height="{h}" fill="white"/>',
           f'<text x="{w / 2}" y="24" text-anchor="middle" font-size="15">Training step time vs frames (64×64, 16 tokens/frame)</text>',
           f'<line x1="{m}" y1="{h - m}" x2="{w - m}" y2="{h - m}" stroke="black"/><line x1="{m}" y1="{m}" x2="{m}" y2="{h - m}" stroke="black"/>',
           f'<text x="{w / 2}" y="{h - 15}" text-anchor="middle">frames T</text>',
           f'<text x="16" y="{h / 2}" transform="rotate(-90 16 {h / 2})" text-anchor="middle">ms per training step</text>']
    for t in frames:
        out.append(f'<text x="{x(t)}" y="{h - m + 18}" text-anchor="middle">{t}</text>')
    for i in range(5):
        v = ymax * i / 4
        out.append(f'<text x="{m - 6}" y="{y(v) + 4}" text-anchor="end">{v:.0f}</text>')
    for k, kind in enumerate(kinds):
        pts = [(x(r["frames"]), y(r["ms"])) for r in rows if r["kind"] == kind]
        out.append(f'<polyline fill="none" stroke="{colors[kind]}" stroke-width="2" points="{" ".join(f"{a:.1f},{b:.1f}" for a, b in pts)}"/>')
        out += [f'<circle cx="{a:.1f}" cy="{b:.1f}" r="3" fill="{colors[kind]}"/>' for a, b in pts]
        out.append(f'<text x="{m + 10}" y="{m + 16 * k}" fill="{colors[kind]}">{kind}</text>')
    out.append("</svg>")
    return "\n".join(out)


if __name__ == "__main__":
    main()
