#!/usr/bin/env bash
# The AdrenalMNIST3D result of docs/results.md: the same `vt train` command for seeds 0, 1, 2, then `vt eval` of each
# run's best checkpoint (chosen on validation) on the test set, single view and with flip TTA. Prints every seed and
# the mean ± sd.
#
# Defaults: samples/configs/adrenal_vivit64.yaml on adrenalmnist3d_64.npz. JOBS seeds train at once (default 2, one
# per core of a 2-core machine), each with 1 libtorch and 1 OpenBLAS thread: on this model two single-threaded runs
# side by side finish sooner than the same runs one after the other with 2 threads each.
# The earlier 28³ tables: CONFIG=samples/configs/adrenal_vivit.yaml DATA=../shared/data/medmnist3d/adrenalmnist3d.npz
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${DATA:-../shared/data/medmnist3d/adrenalmnist3d_64.npz}
CONFIG=${CONFIG:-samples/configs/adrenal_vivit64.yaml}
OUT=${OUT:-runs/adrenal64}
SEEDS=${SEEDS:-0 1 2}
JOBS=${JOBS:-2}
VT=${VT:-artifacts/vt/vt}
mkdir -p "$OUT"

train() {
  local seed=$1
  "$VT" train --config "$CONFIG" --dataset medmnist3d --data "$DATA" --seed "$seed" --out "$OUT/seed$seed" \
    --threads 1 --quiet > "$OUT/seed$seed.log" 2>&1 || { echo "seed $seed failed"; tail "$OUT/seed$seed.log"; return 1; }
}

running=0
for seed in $SEEDS; do
  train "$seed" &
  running=$((running + 1))
  if [ "$running" -ge "$JOBS" ]; then wait -n; running=$((running - 1)); fi
done
wait

for seed in $SEEDS; do
  for tta in none flips; do
    extra=()
    [ "$tta" = flips ] && extra=(--tta flips)
    "$VT" eval --checkpoint "$OUT/seed$seed/best.safetensors" --dataset medmnist3d --data "$DATA" "${extra[@]}" \
      > "$OUT/seed$seed/test_$tta.json" 2> /dev/null
  done
done

python3 - "$OUT" $SEEDS <<'PY'
import json, statistics, sys
out, seeds = sys.argv[1], sys.argv[2:]
rows = []
for s in seeds:
    r = json.load(open(f"{out}/seed{s}/results.json"))
    single = json.load(open(f"{out}/seed{s}/test_none.json"))
    flips = json.load(open(f"{out}/seed{s}/test_flips.json"))
    rows.append((s, r, single, flips))
    print(f"seed {s}: best epoch {r['best_epoch']}, train {r['train_seconds']:.0f} s | test AUC {single['test_auc']:.3f} ACC {single['test_accuracy']:.3f} "
          f"{single['test_confusion']} | flip TTA: AUC {flips['test_auc']:.3f} ACC {flips['test_accuracy']:.3f} {flips['test_confusion']}")
def summary(name, values):
    sd = statistics.stdev(values) if len(values) > 1 else 0.0
    print(f"{name}: mean {statistics.mean(values):.3f} ± {sd:.3f}")
summary("test AUC", [x[2]["test_auc"] for x in rows])
summary("test ACC", [x[2]["test_accuracy"] for x in rows])
summary("test AUC, flip TTA", [x[3]["test_auc"] for x in rows])
summary("test ACC, flip TTA", [x[3]["test_accuracy"] for x in rows])
summary("train seconds", [x[1]["train_seconds"] for x in rows])
PY
