#!/usr/bin/env python3
"""Ours (vt bench) against PyTorch eager (python/bench_preset.py) on the same machine, in the same run.

Each round runs ours and PyTorch's once each, alternating which goes first. Every run is a fresh process with the same
thread count, so each side measures its own peak RSS. Reports the medians over rounds of the per-run median ms/step,
their ratio (ours / PyTorch; below 1 means we are faster), peak RSS, and the training step's achieved GFLOP/s against
the GEMM peak measured in the same run.

Threads: vt runs on TorchSharp's libtorch 2.10, whose matrix products run (MKL) inside its intra-op pool, so --threads N
is its whole thread budget. Debian's PyTorch 1.13 still hands GEMM to OpenBLAS, which keeps a pool of its own: it gets
OPENBLAS_NUM_THREADS=N beside torch.set_num_threads(N), so that both sides compute on N threads.

usage: benchmarks/compare_presets.py [--rounds 5] [--steps 10] [--threads 2] [--out docs/performance-presets.md]
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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--threads", type=int, default=os.cpu_count(),
                    help="threads, both sides: libtorch intra-op threads (and PyTorch's OpenBLAS threads)")
    ap.add_argument("--presets", default=",".join(p for p, _ in PRESETS))
    ap.add_argument("--vt", default=VT)
    ap.add_argument("--out", default="")
    a = ap.parse_args()
    ours_env = thread_env(a.threads)
    torch_env = thread_env(a.threads, blas=a.threads)
    peak = gemm_peak(a.threads, torch_env)
    rows = []
    wanted = a.presets.split(",")
    for preset, batch in [p for p in PRESETS if p[0] in wanted]:
        with preset_spec(a.vt, preset) as spec:
            for mode in MODES:
                results = interleaved([
                    ("ours", vt_cmd(a.vt, preset, mode, batch, a.steps, a.threads), ours_env),
                    ("torch", torch_cmd(spec, preset, mode, batch, a.steps, a.threads), torch_env),
                ], a.rounds)
                ours, theirs = results["ours"], results["torch"]
                o, t = median_ms(ours), median_ms(theirs)
                gflop = ours[0]["gflop_per_step"]
                rows.append(dict(preset=preset, mode=mode, batch=batch, ours_ms=o, torch_ms=t, ratio=o / t,
                                 ours_rss=max(x["peak_rss_mb"] for x in ours), torch_rss=max(x["peak_rss_mb"] for x in theirs),
                                 gflops=gflop / (o / 1000), eff=gflop / (o / 1000) / peak))
                print(json.dumps(rows[-1]), file=sys.stderr)
    lines = [f"Threads, both sides: {a.threads} (ours: libtorch intra-op threads, which also run the GEMMs; PyTorch: as many "
             f"intra-op and OpenBLAS threads). GEMM peak (1024³ float32, PyTorch with OpenBLAS, {a.threads} thread(s), median): "
             f"{peak:.1f} GFLOP/s. {a.rounds} rounds × {a.steps} steps, medians.", "",
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
