#!/usr/bin/env python3
"""Old engine against new engine against PyTorch, per preset and mode, each at its own best thread split.

* old: the vt built from main on the home-made binding over Debian's libtorch 1.13 (--old-vt PATH). Its GEMMs run in
  OpenBLAS's pool, beside libtorch's intra-op pool, so a split is INTRA+BLAS (e.g. 1+2, 2+1): `--threads INTRA
  --blas-threads BLAS` and OPENBLAS_NUM_THREADS=BLAS.
* new: this branch's vt on TorchSharp's libtorch 2.10 (--new-vt, default artifacts/vt/vt). Its GEMMs run (MKL) inside
  the intra-op pool, so a split is one number: `--threads N`.
* PyTorch: the eager twin benchmarks/python/bench_preset.py on Debian's python3-torch 1.13, the same architecture built
  from the same ModelSpec JSON. Like the old engine it calls OpenBLAS, so a split is INTRA+BLAS.

Every run is a fresh process. Each round runs every engine at every split once, each round starting one further along
the list (compare_presets.interleaved). For each engine and split the figure is the median over rounds of the run's own
median ms/step; each engine is then shown at its fastest split.

Writes OUT.md (the table: preset, mode, batch, old ms, new ms, PyTorch ms, new/old, new/PyTorch) and OUT.json (every
split's medians and the picks); OUT may be given with or without .md.

usage: benchmarks/compare_engines.py --old-vt ../main/artifacts/vt/vt [--new-vt artifacts/vt/vt]
           [--old-splits 1+2,2+1] [--new-threads 1,2] [--torch-splits 1+2,2+1]
           [--presets frame-vit-kth,...] [--modes train,infer] [--rounds 5] [--steps 10] [--batch-size N] --out docs/engines
A split written without +BLAS (e.g. --old-splits 1,2) passes no --blas-threads and leaves OPENBLAS_NUM_THREADS unset
(for trying the script with the new vt standing in for the old one).
"""
import argparse
import datetime
import json
import os
import platform
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import compare_presets as cp  # noqa: E402


def describe(vt):
    p = subprocess.run([vt, "--help"], capture_output=True, text=True)
    return os.path.realpath(vt) + (f" (exit {p.returncode} on --help)" if p.returncode else "")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--old-vt", required=True, help="vt of the old engine (built from main)")
    ap.add_argument("--new-vt", default=cp.VT)
    ap.add_argument("--old-splits", default="1+2,2+1", help="INTRA+BLAS thread splits of the old engine")
    ap.add_argument("--new-threads", default="1,2", help="intra-op thread counts of the new engine")
    ap.add_argument("--torch-splits", default="1+2,2+1", help="INTRA+BLAS thread splits of PyTorch (Debian, OpenBLAS)")
    ap.add_argument("--presets", default=",".join(p for p, _ in cp.PRESETS))
    ap.add_argument("--modes", default=",".join(cp.MODES))
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--batch-size", type=int, default=0, help="one batch size for every preset (default: compare_presets.PRESETS')")
    ap.add_argument("--out", required=True, help="OUT.md and OUT.json are written")
    a = ap.parse_args()
    for vt in (a.old_vt, a.new_vt):
        if not os.access(vt, os.X_OK):
            raise SystemExit(f"{vt} is not an executable vt (build it: ./build.sh build)")
    batches = dict(cp.PRESETS)
    presets = a.presets.split(",")
    unknown = [p for p in presets if p not in batches]
    if unknown:
        raise SystemExit(f"unknown preset(s) {', '.join(unknown)}; known: {', '.join(batches)}")
    modes = a.modes.split(",")
    if any(m not in cp.MODES for m in modes):
        raise SystemExit(f"--modes takes {', '.join(cp.MODES)}")
    engines = {
        "old": cp.parse_splits(a.old_splits, blas_allowed=True),
        "new": cp.parse_splits(a.new_threads, blas_allowed=False),
        "torch": cp.parse_splits(a.torch_splits, blas_allowed=True),
    }
    out = a.out[:-3] if a.out.endswith(".md") else a.out

    rows = []
    for preset in presets:
        batch = a.batch_size or batches[preset]
        # The PyTorch twin is built from the new vt's spec of the preset; the old vt builds the same preset by name.
        with cp.preset_spec(a.new_vt, preset) as spec:
            for mode in modes:
                runners = []
                for engine, splits in engines.items():
                    for split in splits:
                        intra, blas = split
                        if engine == "torch":
                            cmd = cp.torch_cmd(spec, preset, mode, batch, a.steps, intra)
                        else:
                            extra = ["--blas-threads", str(blas)] if blas is not None else []
                            cmd = cp.vt_cmd(a.old_vt if engine == "old" else a.new_vt, preset, mode, batch, a.steps, intra, extra)
                        runners.append(((engine, split), cmd, cp.thread_env(intra, blas)))
                results = cp.interleaved(runners, a.rounds)
                per_split = {engine: {cp.split_name(s): cp.median_ms(results[(engine, s)]) for s in splits} for engine, splits in engines.items()}
                best = {engine: min(ms.items(), key=lambda kv: kv[1]) for engine, ms in per_split.items()}
                row = dict(preset=preset, mode=mode, batch=batch, per_split_ms=per_split,
                           best={e: dict(split=s, ms=ms) for e, (s, ms) in best.items()},
                           new_over_old=best["new"][1] / best["old"][1], new_over_torch=best["new"][1] / best["torch"][1],
                           peak_rss_mb={engine: max(x["peak_rss_mb"] for s in splits for x in results[(engine, s)]) for engine, splits in engines.items()})
                rows.append(row)
                print(json.dumps(row), file=sys.stderr)

    def cell(row, engine):
        b = row["best"][engine]
        return f"{b['ms']:.1f} ({b['split']})"

    lines = [f"Median ms per step over {a.rounds} round(s) of {a.steps} steps; each engine at its fastest thread split, shown in "
             f"parentheses (old and PyTorch: libtorch intra-op + OpenBLAS threads; new: libtorch intra-op threads, which also run "
             f"the GEMMs). Splits tried: old {a.old_splits}, new {a.new_threads}, PyTorch {a.torch_splits}. "
             f"{os.cpu_count()} logical CPUs. A ratio below 1 means the new engine is faster.", "",
             "| preset | mode | batch | old ms | new ms | PyTorch ms | new/old | new/PyTorch |",
             "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['preset']} | {r['mode']} | {r['batch']} | {cell(r, 'old')} | {cell(r, 'new')} | {cell(r, 'torch')} | "
                     f"**{r['new_over_old']:.2f}** | **{r['new_over_torch']:.2f}** |")
    text = "\n".join(lines) + "\n"
    print(text)
    with open(out + ".md", "w") as f:
        f.write(text)
    with open(out + ".json", "w") as f:
        json.dump(dict(date=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"), machine=platform.platform(),
                       logical_cpus=os.cpu_count(), rounds=a.rounds, steps=a.steps,
                       old_vt=describe(a.old_vt), new_vt=describe(a.new_vt), python=cp.PY,
                       splits={e: [cp.split_name(s) for s in ss] for e, ss in engines.items()}, rows=rows), f, indent=2)
    print(f"wrote {out}.md and {out}.json", file=sys.stderr)


if __name__ == "__main__":
    main()
