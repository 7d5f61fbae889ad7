#!/usr/bin/env bash
# The AdrenalMNIST3D result of docs/results.md: the same command for seeds 0, 1, 2; each run selects its checkpoint on
# validation AUC and reports test metrics once, at the end. Prints a summary with mean and spread.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${DATA:-../shared/data/medmnist3d/adrenalmnist3d.npz}
OUT=${OUT:-runs/adrenal}
mkdir -p "$OUT"
CONFIG=${CONFIG:-samples/configs/adrenal_vivit.yaml}
for seed in ${SEEDS:-0 1 2}; do
  artifacts/vt/vt train --config "$CONFIG" --dataset medmnist3d --data "$DATA" \
    --seed "$seed" --out "$OUT/seed$seed" --quiet > "$OUT.seed$seed.log" 2>&1 || { echo "seed $seed failed"; tail "$OUT.seed$seed.log"; exit 1; }
done
python3 - "$OUT" <<'PY'
import json, statistics, sys
rows = [json.load(open(f"{sys.argv[1]}/seed{s}/results.json")) for s in (0, 1, 2)]
for k in ("test_auc", "test_accuracy", "train_seconds"):
    v = [r[k] for r in rows]
    print(f"{k}: " + ", ".join(f"{x:.3f}" for x in v) + f"  mean {statistics.mean(v):.3f} ± {statistics.stdev(v):.3f}")
PY
