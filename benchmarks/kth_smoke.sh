#!/usr/bin/env bash
# KTH smoke check of docs/results.md: FrameViT, ViViT and TimeSformer trained on the KTH clips of ../shared/data/kth
# (persons 1 and 3 train, person 4 test; every subsequence of 00sequences.txt is a sample: 20 train, 4 test). Six
# videos are far too few for a real result; this shows that every model family decodes real video, fits it and
# evaluates end to end. Prints one line per model.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${DATA:-../shared/data/kth}
OUT=${OUT:-runs/kth-smoke}
EPOCHS=${EPOCHS:-100}
SEED=${SEED:-0}
VT=${VT:-artifacts/vt/vt}
mkdir -p "$OUT"
run() {
  local name=$1; shift
  "$VT" train "$@" --dataset kth --data "$DATA" --split custom:1,3//4 --subsequences --batch-size 4 --epochs "$EPOCHS" --seed "$SEED" \
    --out "$OUT/$name" --threads 1 --quiet > "$OUT/$name.log" 2>&1 || { echo "$name failed"; tail "$OUT/$name.log"; exit 1; }
}
run frame-vit --model frame-vit --preset frame-vit-kth
run vivit --model vivit
run vivit-joint --model vivit --variant joint
run timesformer --model timesformer
python3 - "$OUT" <<'PY'
import csv, json, sys
for name in ("frame-vit", "vivit", "vivit-joint", "timesformer"):
    r = json.load(open(f"{sys.argv[1]}/{name}/results.json"))
    last = list(csv.DictReader(open(f"{sys.argv[1]}/{name}/metrics.csv")))[-1]
    n = sum(map(sum, r["test_confusion"]))
    predicted = {r["classes"][j]: c for row in r["test_confusion"] for j, c in enumerate(row) if c}
    print(f"{name}: {r['parameters']:,} parameters, {r['epochs']} epochs, final train loss {float(last['train_loss']):.3f} "
          f"accuracy {float(last['train_accuracy']):.2f}, test accuracy {r['test_accuracy']:.2f} on {n} clip(s) "
          f"(predicted {predicted}), {r['train_seconds']:.0f} s")
PY
