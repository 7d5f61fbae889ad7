#!/usr/bin/env python3
"""Ours (vt bench) against PyTorch eager (python/bench_preset.py) on the same machine, in the same run.

Each round runs ours and PyTorch's once each, alternating which goes first. Every run is a fresh process with the same
thread count, so each side measures its own peak RSS. Reports the medians over rounds of the per-run median ms/step,
their ratio (ours / PyTorch; below 1 means we are faster), peak RSS, and the training step's achieved GFLOP/s against
the GEMM peak measured in the same run.

usage: benchmarks/compare_presets.py [--rounds 5] [--steps 10] [--threads 2] [--out docs/performance-presets.md]
       (run from the repository root after ./build.sh build; needs /usr/bin/python3 with torch)
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
VT = os.path.join(ROOT, "artifacts", "vt", "vt")
PY = os.environ.get("VT_PYTHON", "/usr/bin/python3")
PRESETS = [("frame-vit-kth", 32), ("vivit-organmnist3d", 32), ("timesformer-ucf101", 4), ("actionbert-ucf101", 32)]


def run(cmd, env):
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env).stdout.strip().splitlines()
    return json.loads(out[-1])


def gemm_peak(threads, env):
    code = ("import torch,time;torch.set_num_threads(%d);a=torch.randn(1024,1024);b=torch.randn(1024,1024)\n"
            "for _ in range(3): a@b\nts=[]\nfor _ in range(15):\n t=time.perf_counter();a@b;ts.append(time.perf_counter()-t)\n"
            "ts.sort();print(2*1024**3/ts[len(ts)//2]/1e9)") % threads
    return float(subprocess.run([PY, "-c", code], check=True, capture_output=True, text=True, env=env).stdout)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--threads", type=int, default=1, help="libtorch intra-op threads, both sides")
    ap.add_argument("--blas-threads", type=int, default=2, help="OpenBLAS threads, both sides")
    ap.add_argument("--presets", default=",".join(p for p, _ in PRESETS))
    ap.add_argument("--out", default="")
    a = ap.parse_args()
    # Both sides run the same libtorch with the same thread split: libtorch's intra-op pool and OpenBLAS's own GEMM pool.
    env = dict(os.environ, OPENBLAS_NUM_THREADS=str(a.blas_threads), OMP_NUM_THREADS=str(a.threads))
    peak = gemm_peak(a.threads, env)
    rows = []
    wanted = a.presets.split(",")
    for preset, batch in [p for p in PRESETS if p[0] in wanted]:
        spec = subprocess.run([VT, "models", "--spec", preset], check=True, capture_output=True, text=True).stdout
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            f.write(spec)
        for mode in ("train", "infer"):
            ours, theirs = [], []
            common = ["--mode", mode, "--batch-size", str(batch), "--steps", str(a.steps), "--threads", str(a.threads)]
            for r in range(a.rounds):
                pair = [("ours", [VT, "bench", "--preset", preset, "--blas-threads", str(a.blas_threads)] + common), ("torch", [PY, os.path.join(ROOT, "benchmarks", "python", "bench_preset.py"), f.name, "--preset", preset] + common)]
                if r % 2:
                    pair.reverse()
                for who, cmd in pair:
                    (ours if who == "ours" else theirs).append(run(cmd, env))
            o = statistics.median(x["ms_per_step"] for x in ours)
            t = statistics.median(x["ms_per_step"] for x in theirs)
            gflop = ours[0]["gflop_per_step"]
            rows.append(dict(preset=preset, mode=mode, batch=batch, ours_ms=o, torch_ms=t, ratio=o / t,
                             ours_rss=max(x["peak_rss_mb"] for x in ours), torch_rss=max(x["peak_rss_mb"] for x in theirs),
                             gflops=gflop / (o / 1000), eff=gflop / (o / 1000) / peak))
            print(json.dumps(rows[-1]), file=sys.stderr)
        os.unlink(f.name)
    lines = [f"Thread split, both sides: {a.threads} libtorch intra-op thread(s), {a.blas_threads} OpenBLAS thread(s). "
             f"GEMM peak (1024³ float32, same split, PyTorch, median): {peak:.1f} GFLOP/s. "
             f"{a.rounds} rounds × {a.steps} steps, medians.", "",
             "| preset | mode | batch | ours ms/step | PyTorch ms/step | ratio ours/PyTorch | ours peak RSS MB | PyTorch peak RSS MB | ours GFLOP/s | of GEMM peak |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['preset']} | {r['mode']} | {r['batch']} | {r['ours_ms']:.1f} | {r['torch_ms']:.1f} | **{r['ratio']:.2f}** | "
                     f"{r['ours_rss']:.0f} | {r['torch_rss']:.0f} | {r['gflops']:.1f} | {100 * r['eff']:.0f}% |")
    text = "\n".join(lines) + "\n"
    print(text)
    if a.out:
        with open(a.out, "w") as f:
            f.write(text)


if __name__ == "__main__":
    main()
