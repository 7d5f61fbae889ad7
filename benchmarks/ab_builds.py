#!/usr/bin/env python3
"""Interleaved A/B of `vt bench` runs: two builds of vt, or one build under different environment variables.

usage: benchmarks/ab_builds.py VT PRESET|spec:FILE MODE BATCH STEPS ROUNDS NAME:[VAR=VAL,...] NAME:[VAR=VAL,...] ...

Each round runs every configuration once (a fresh process each, 2 libtorch threads), alternating the order between
rounds, and the script prints every run and the median per configuration relative to the first. VT=PATH in a
configuration runs that vt instead of the default. Run it under the machine-wide lock and SCHED_FIFO, e.g.
  flock /tmp/bench.lock chrt -f 50 python3 benchmarks/ab_builds.py old/vt timesformer-ucf101 train 4 4 5 old: new:VT=new/vt
"""
import json
import os
import statistics
import subprocess
import sys


def main():
    if len(sys.argv) < 8:
        sys.exit(__doc__)
    vt, preset, mode, batch, steps, rounds = sys.argv[1:7]
    cfgs = []
    for c in sys.argv[7:]:
        name, _, kv = c.partition(":")
        cfgs.append((name, dict(item.split("=", 1) for item in kv.split(",") if item)))
    res = {n: [] for n, _ in cfgs}
    target = ["--spec", preset[5:]] if preset.startswith("spec:") else ["--preset", preset]
    for r in range(int(rounds)):
        for name, env in (cfgs if r % 2 == 0 else cfgs[::-1]):
            e = dict(os.environ, **env)
            exe = e.pop("VT", vt)
            p = subprocess.run([exe, "bench", *target, "--mode", mode, "--batch-size", batch, "--steps", steps, "--threads", "2"],
                               capture_output=True, text=True, env=e)
            if p.returncode:
                sys.exit(p.stderr)
            j = json.loads(p.stdout.strip().splitlines()[-1])
            res[name].append(j["ms_per_step"])
            print(f"round {r} {name}: {j['ms_per_step']:.1f} ms (min {j['ms_min']:.1f}), peak RSS {j['peak_rss_mb']} MB", flush=True)
    base = statistics.median(res[cfgs[0][0]])
    for n, _ in cfgs:
        m = statistics.median(res[n])
        print(f"{preset} {mode} {n}: median {m:.1f} ms ({m / base:.3f} of {cfgs[0][0]}), runs {[round(x) for x in res[n]]}")


if __name__ == "__main__":
    main()
