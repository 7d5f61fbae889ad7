#!/usr/bin/env bash
# The install test: a user's fresh console project, outside the solution, gets the library with
# `dotnet add package VideoTransformers` from the locally packed folder (the meta-package brings TorchSharp-cpu) and
# runs a page of user code (Program.cs.txt): our ViViT trained by our Trainer, then a user-defined TorchSharp module of
# our blocks trained with TorchSharp's AdamW. On Debian 12 it must build and run with no manual step: the
# VideoTransformers.Models package's build/ and buildTransitive/ targets fix libLibTorchSharp.so in the output.
# Then the vt tool: `dotnet tool install VideoTransformers.Cli` from the same folder into a temporary tool path (with a
# temporary HOME, so nothing lands in the user's), `vt --help`, and one epoch of `vt train` on a tiny synthetic job.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
PKG=${VT_PACKAGES:-$ROOT/artifacts/packages}   # VT_PACKAGES: another folder of packed .nupkg files
[ -f "$PKG/VideoTransformers.0.1.0.nupkg" ] || { echo "install test: no packages in $PKG (run ./build.sh pack)"; exit 1; }
for p in VideoTransformers.Cli VideoTransformers.Cli.linux-x64; do
  [ -f "$PKG/$p.0.1.0.nupkg" ] || { echo "install test: $PKG lacks the vt tool package $p.0.1.0.nupkg (run ./build.sh pack)"; exit 1; }
done

# The loader fix must travel in the Models package, for direct and transitive consumers alike.
python3 - "$PKG/VideoTransformers.Models.0.1.0.nupkg" <<'PY'
import sys, zipfile
names = set(zipfile.ZipFile(sys.argv[1]).namelist())
need = [f"{d}/{f}" for d in ("build", "buildTransitive") for f in ("VideoTransformers.Models.targets", "LibTorchSharpCompat.cs")]
missing = [n for n in need if n not in names]
if missing:
    sys.exit(f"install test: {sys.argv[1]} lacks {', '.join(missing)}")
print(f"install test: {sys.argv[1].rsplit('/', 1)[-1]} carries {', '.join(need)}")
PY

WORK=$(mktemp -d /tmp/vt-install.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
# A private package folder, so that a stale VideoTransformers 0.1.0 from an earlier run can never be picked up.
# TorchSharp and libtorch (about 600 MB per platform) are hard-linked in from the user's package folder when it has
# them, instead of being downloaded again; NuGet treats a package folder with its .nupkg.metadata as installed.
USER_PACKAGES=${NUGET_PACKAGES:-$HOME/.nuget/packages}
export NUGET_PACKAGES="$WORK/packages"
mkdir -p "$NUGET_PACKAGES"
if [ -d "$USER_PACKAGES" ]; then
  for d in "$USER_PACKAGES"/torchsharp* "$USER_PACKAGES"/libtorch*; do
    [ -d "$d" ] || continue
    # Hard links cost no space or time; across file systems it falls back to a copy.
    cp -al "$d" "$NUGET_PACKAGES/" 2>/dev/null || { rm -rf "$NUGET_PACKAGES/$(basename "$d")"; cp -a "$d" "$NUGET_PACKAGES/"; }
  done
fi
cd "$WORK"
dotnet new console -n App -o app --framework net10.0 >/dev/null
cd app
cat > nuget.config <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="local" value="$PKG" />
    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
  </packageSources>
  <!-- Our packages only from the local folder, never a same-named package from nuget.org. -->
  <packageSourceMapping>
    <packageSource key="local"><package pattern="VideoTransformers" /><package pattern="VideoTransformers.*" /></packageSource>
    <packageSource key="nuget.org"><package pattern="*" /></packageSource>
  </packageSourceMapping>
</configuration>
XML
dotnet add package VideoTransformers --version 0.1.0 >/dev/null
grep -q 'TorchSharp-cpu' "$NUGET_PACKAGES/videotransformers/0.1.0/videotransformers.nuspec" \
  || { echo "install test: the VideoTransformers package does not depend on TorchSharp-cpu"; exit 1; }
cp "$ROOT/tests/install/Program.cs.txt" Program.cs
dotnet run -c Release
echo "install test: the library passed"

# The vt tool. Its packages are per platform: VideoTransformers.Cli points to VideoTransformers.Cli.linux-x64 here.
TOOL_START=$SECONDS
mkdir -p "$WORK/tool/home" "$WORK/tool/run"
cd "$WORK/tool"
ls -l "$PKG"/VideoTransformers.Cli*.nupkg | awk '{ printf "install test: %s %d MB\n", $NF, $5 / 1048576 }'
cat > nuget.config <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="local" value="$PKG" />
  </packageSources>
</configuration>
XML
# A tool package has no dependencies: the local folder is the only source it needs.
vt_env=(env HOME="$WORK/tool/home" DOTNET_CLI_HOME="$WORK/tool/home" XDG_CACHE_HOME="$WORK/tool/home/.cache")
"${vt_env[@]}" dotnet tool install VideoTransformers.Cli --version 0.1.0 --tool-path "$WORK/tool/bin" --configfile "$WORK/tool/nuget.config" \
  || { echo "install test: dotnet tool install VideoTransformers.Cli failed"; exit 1; }
VT="$WORK/tool/bin/vt"
[ -x "$VT" ] || { echo "install test: dotnet tool install put no vt into $WORK/tool/bin"; exit 1; }
echo "install test: vt installed in $((SECONDS - TOOL_START)) s, $(du -sm "$WORK/tool/bin" | cut -f1) MB on disk"

# The copy of libLibTorchSharp.so in the tool must carry the Debian 12 fix (readelf comes with binutils).
LIB=$(find "$WORK/tool/bin/.store" -name libLibTorchSharp.so | head -n 1)
[ -n "$LIB" ] || { echo "install test: the installed tool has no libLibTorchSharp.so"; exit 1; }
if command -v readelf >/dev/null; then
  # Not `| grep -q`: grep would stop at the first match, readelf then dies of SIGPIPE on its large output, and
  # pipefail turns that into a failure of a file that has the fix.
  readelf -V -W "$LIB" | grep 'Name: GLIBCXX_3.4.32  Flags: WEAK' >/dev/null \
    || { echo "install test: $LIB in the tool package does not have the GLIBCXX_3.4.32 requirement marked weak"; exit 1; }
fi

help=$("${vt_env[@]}" "$VT" --help) || { echo "install test: vt --help failed"; exit 1; }
grep -q 'vt train' <<<"$help" || { echo "install test: vt --help does not list vt train:"; echo "$help"; exit 1; }

# One epoch of a FrameViT with a few thousand parameters on the synthetic motion set (generated, no download): seconds.
cat > tiny.yaml <<'YAML'
model_name: frame-vit
patch_size: 8
token_dim: 16
attn_dim: 16
num_heads: 2
mlp_size: 32
num_tf_layers: 1
num_epochs: 1
batch_size: 32
YAML
"${vt_env[@]}" "$VT" train --config tiny.yaml --dataset synthetic --seed 1 --out "$WORK/tool/run" --quiet > train.json \
  || { echo "install test: vt train failed (exit $?)"; cat train.json; exit 1; }
python3 - "$WORK/tool/run" train.json <<'PY'
import json, os, sys
run, printed = sys.argv[1], sys.argv[2]
r = json.load(open(os.path.join(run, "results.json")))
if json.load(open(printed)) != r:
    sys.exit("install test: what vt train printed is not its results.json")
if (r["model"], r["dataset"], r["epochs"], r["status"]) != ("frame-vit", "synthetic", 1, "Completed"):
    sys.exit(f"install test: vt train ran {r['model']} on {r['dataset']} for {r['epochs']} epoch(s), {r['status']}")
if not 0 <= r["test_accuracy"] <= 1:
    sys.exit(f"install test: test_accuracy {r['test_accuracy']} is not in [0, 1]")
missing = [f for f in ("best.safetensors", "last.safetensors", "metrics.csv", "config.yaml") if not os.path.isfile(os.path.join(run, f))]
if missing or not any(f.startswith("events.out.tfevents.") for f in os.listdir(run)):
    sys.exit(f"install test: the run folder lacks {', '.join(missing) or 'the TensorBoard events'}")
print(f"install test: vt train: {r['parameters']} parameters, one epoch in {r['train_seconds']} s, test accuracy {r['test_accuracy']:.3f}")
PY
echo "install test: the vt tool passed in $((SECONDS - TOOL_START)) s"
echo "install test: passed"
