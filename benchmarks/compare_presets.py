#!/usr/bin/env python3
"""Ours (vt bench) against PyTorch eager (python/bench_preset.py) on the same machine, in the same run.

Each round runs ours and PyTorch's once each, alternating which goes first. Every run is a fresh process with the same
thread count, so each side measures its own peak RSS. Reports the medians over rounds of the per-run median ms/step,
their ratio (ours / PyTorch; below 1 means we are faster), peak RSS, and the training step's achieved GFLOP/s against
the GEMM peak measured in the same run.

Threads: vt runs on TorchSharp's libtorch 2.10, whose matrix products run (MKL) inside its intra-op pool, so --threads N
is its whole thread budget. Debian's PyTorch 1.13 hands GEMM to OpenBLAS, which keeps a pool of its own: PyTorch runs at
every split INTRA+BLAS of --torch-splits (default 1+N and N+1) and the table shows it at its fastest, as the
performance issue asks ("PyTorch at its best thread split"). PyTorch's default (N intra-op + N OpenBLAS threads,
oversubscribed) is slower than either.

--precision bf16 adds, per preset, an inference row in which ours runs with bfloat16 weights and activations
(`vt bench --precision bf16`) against the same float32 PyTorch: what a user gets from `vt eval/predict --precision
bf16`. The float32 rows stay the like-for-like comparison.

usage: benchmarks/compare_presets.py [--rounds 5] [--steps 10] [--threads 2] [--torch-splits 1+2,2+1] [--precision bf16]
                                     [--out docs/performance-presets.md]
       (run from the repository root after ./build.sh build; needs /usr/bin/python3 with torch)

The functions above main() are shared with compare_engines.py.
"""
import argparse
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
VT = os.path.join(ROOT, "artifacts", "vt", "vt")
PY = os.environ.get("VT_PYTHON", "/usr/bin/python3")
BENCH_PRESET = os.path.join(ROOT, "benchmarks", "python", "bench_preset.py")
PRESETS = [("frame-vit-kth", 32), ("vivit-organmnist3d", 32), ("timesformer-ucf101", 4), ("actionbert-ucf101", 32)]
MODES = ("train", "infer")


def run(cmd, env):
    """Runs one benchmark process and returns the JSON of its last stdout line."""
    p = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited with {p.returncode}:\n{p.stderr.strip()}")
    return json.loads(p.stdout.strip().splitlines()[-1])


def thread_env(intra, blas=None):
    """The environment of a run with `intra` libtorch intra-op threads and, for an engine that calls OpenBLAS, `blas`
    OpenBLAS threads (read once when the library loads, hence the variable rather than a call)."""
    env = dict(os.environ, OMP_NUM_THREADS=str(intra))
    env.pop("OPENBLAS_NUM_THREADS", None)
    if blas is not None:
        env["OPENBLAS_NUM_THREADS"] = str(blas)
    return env


@contextlib.contextmanager
def preset_spec(vt, preset):
    """The preset's ModelSpec JSON (from `vt models --spec`) in a temporary file, for the PyTorch twin."""
    spec = subprocess.run([vt, "models", "--spec", preset], check=True, capture_output=True, text=True).stdout
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        f.write(spec)
    try:
        yield f.name
    finally:
        os.unlink(f.name)


def bench_args(mode, batch, steps, threads):
    return ["--mode", mode, "--batch-size", str(batch), "--steps", str(steps), "--threads", str(threads)]


def vt_cmd(vt, preset, mode, batch, steps, threads, extra=()):
    return [vt, "bench", "--preset", preset] + bench_args(mode, batch, steps, threads) + list(extra)


def torch_cmd(spec_path, preset, mode, batch, steps, threads):
    return [PY, BENCH_PRESET, spec_path, "--preset", preset] + bench_args(mode, batch, steps, threads)


def interleaved(runners, rounds):
    """Runs every (key, cmd, env) of `runners` once per round, each round starting one further along the list, so that
    no runner always goes first (or always right after the same one). Returns {key: [result per round]}."""
    results = {key: [] for key, _, _ in runners}
    for r in range(rounds):
        shift = r % len(runners)
        for key, cmd, env in runners[shift:] + runners[:shift]:
            results[key].append(run(cmd, env))
    return results


def median_ms(results):
    return statistics.median(x["ms_per_step"] for x in results)


def gemm_peak(threads, env):
    code = ("import torch,time;torch.set_num_threads(%d);a=torch.randn(1024,1024);b=torch.randn(1024,1024)\n"
            "for _ in range(3): a@b\nts=[]\nfor _ in range(15):\n t=time.perf_counter();a@b;ts.append(time.perf_counter()-t)\n"
            "ts.sort();print(2*1024**3/ts[len(ts)//2]/1e9)") % threads
    return float(subprocess.run([PY, "-c", code], check=True, capture_output=True, text=True, env=env).stdout)


def parse_splits(text, blas_allowed):
    """'1+2,2+1' -> [(1, 2), (2, 1)]; '1,2' -> [(1, None), (2, None)]."""
    splits = []
    for part in text.split(","):
        intra, _, blas = part.strip().partition("+")
        if blas and not blas_allowed:
            raise SystemExit(f"'{part}': the new engine has one thread pool; give its thread counts without +BLAS")
        split = (int(intra), int(blas) if blas else None)
        if split[0] < 1 or (split[1] is not None and split[1] < 1):
            raise SystemExit(f"'{part}': thread counts must be at least 1")
        splits.append(split)
    return splits


def split_name(split):
    intra, blas = split
    return str(intra) if blas is None else f"{intra}+{blas}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--threads", type=int, default=os.cpu_count(),
                    help="threads, both sides: libtorch intra-op threads (and PyTorch's OpenBLAS threads)")
    ap.add_argument("--presets", default=",".join(p for p, _ in PRESETS))
    ap.add_argument("--vt", default=VT)
    ap.add_argument("--torch-splits", default="",
                    help="INTRA+BLAS thread splits tried for PyTorch (default 1+N,N+1 for N = --threads)")
    ap.add_argument("--precision", choices=["fp32", "bf16"], default="fp32",
                    help="bf16: also time our inference in bfloat16 against float32 PyTorch")
    ap.add_argument("--modes", default="", help="only these rows: any of train, infer, infer-bf16 (default: all)")
    ap.add_argument("--out", default="")
    a = ap.parse_args()
    ours_env = thread_env(a.threads)
    splits = list(dict.fromkeys(parse_splits(a.torch_splits or f"1+{a.threads},{a.threads}+1", blas_allowed=True)))
    peak = gemm_peak(a.threads, thread_env(a.threads, blas=a.threads))
    rows = []
    wanted = a.presets.split(",")
    modes = [(m, "fp32") for m in MODES] + ([("infer", "bf16")] if a.precision == "bf16" else [])
    if a.modes:
        modes = [(m, p) for m, p in modes if (m if p == "fp32" else f"{m}-{p}") in a.modes.split(",")]
    for preset, batch in [p for p in PRESETS if p[0] in wanted]:
        with preset_spec(a.vt, preset) as spec:
            for mode, precision in modes:
                extra = ["--precision", precision] if precision != "fp32" else []
                runners = [("ours", vt_cmd(a.vt, preset, mode, batch, a.steps, a.threads, extra), ours_env)]
                runners += [(("torch", s), torch_cmd(spec, preset, mode, batch, a.steps, s[0]), thread_env(s[0], blas=s[1])) for s in splits]
                results = interleaved(runners, a.rounds)
                ours = results["ours"]
                o = median_ms(ours)
                per_split = {split_name(s): median_ms(results[("torch", s)]) for s in splits}
                best_split, t = min(per_split.items(), key=lambda kv: kv[1])
                theirs = [x for s in splits for x in results[("torch", s)]]
                gflop = ours[0]["gflop_per_step"]
                rows.append(dict(preset=preset, mode=mode, precision=precision, batch=batch, ours_ms=o, torch_ms=t, torch_split=best_split,
                                 torch_per_split=per_split, ratio=o / t,
                                 ours_rss=max(x["peak_rss_mb"] for x in ours), torch_rss=max(x["peak_rss_mb"] for x in theirs),
                                 gflops=gflop / (o / 1000), eff=gflop / (o / 1000) / peak))
                print(json.dumps(rows[-1]), file=sys.stderr)
    lines = [f"Ours: {a.threads} libtorch intra-op thread(s), which also run the GEMMs (MKL). PyTorch 1.13: at its fastest of the "
             f"INTRA+BLAS splits {', '.join(split_name(s) for s in splits)}, shown per row. GEMM peak (1024³ float32, PyTorch with "
             f"OpenBLAS, {a.threads} thread(s), median): {peak:.1f} GFLOP/s. {a.rounds} rounds × {a.steps} steps, each side a fresh "
             f"process per round, interleaved; medians. A ratio below 1 means ours is faster.", "",
             "| preset | mode | precision (ours) | batch | ours ms/step | PyTorch ms/step (split) | ratio ours/PyTorch | ours peak RSS MB | PyTorch peak RSS MB | ours GFLOP/s | of GEMM peak |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['preset']} | {r['mode']} | {r['precision']} | {r['batch']} | {r['ours_ms']:.1f} | {r['torch_ms']:.1f} ({r['torch_split']}) | "
                     f"**{r['ratio']:.2f}** | {r['ours_rss']:.0f} | {r['torch_rss']:.0f} | {r['gflops']:.1f} | {100 * r['eff']:.0f}% |")
    text = "\n".join(lines) + "\n"
    print(text)
    if a.out:
        with open(a.out, "w") as f:
            f.write(text)


if __name__ == "__main__":
    main()
