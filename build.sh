#!/usr/bin/env bash
# VideoTransformers build entry point.
#   ./build.sh deps    install missing Debian packages (the ffmpeg/ffprobe tools, MPICH, the plots' font, headless Chromium
#                      for the run report's test, and python3-torch with OpenBLAS as the independent reference for the
#                      parity tests); libtorch itself comes from NuGet (TorchSharp-cpu)
#   ./build.sh build   deps + managed code; leaves the CLI at artifacts/vt/vt
#   ./build.sh test    build + the whole test suite
#   ./build.sh demo    build + the main job (synthetic motion: FrameViT vs ViViT)
#   ./build.sh pack    build + NuGet packages in artifacts/packages (with the vt tool, one package per platform)
#   ./build.sh bench   build + benchmarks against PyTorch
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)
CONFIG=${CONFIG:-Release}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# No compiler and no libtorch-dev: the project has no native code of its own, and TorchSharp-cpu brings libtorch 2.10.
# python3-torch (Debian's PyTorch 1.13) is only the independent reference of the parity tests and benchmarks.
# binutils: readelf and strings, with which Build.Tests inspect libLibTorchSharp.so (they would otherwise skip).
# fonts-dejavu-core: the font of the plots' text (SkiaSharp reads /usr/share/fonts); ffmpeg happens to bring it today
# through fontconfig-config, but the plots should not depend on that.
# chromium: headless, the Cli tests open the run report (report.html) in it and check that its pictures render.
DEB_PACKAGES=(libopenblas0-pthread mpich python3-torch python3-numpy ffmpeg binutils fonts-dejavu-core chromium)

log() { printf '\033[1;34m[build]\033[0m %s\n' "$*"; }

deps() {
  local missing=()
  for p in "${DEB_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if ((${#missing[@]})); then
    log "installing: ${missing[*]}"
    local SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -q
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
  else
    log "system packages present"
  fi
  # python3-torch pulls in the netlib reference BLAS, ~40x slower than OpenBLAS: make sure OpenBLAS wins for the
  # PyTorch reference (it does not touch TorchSharp, whose libtorch brings MKL).
  local blas
  blas=$(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3 || true)
  case "$blas" in
    *openblas*) ;;
    *) log "switching libblas.so.3 to OpenBLAS (was $blas)"
       ${SUDO:-} update-alternatives --set libblas.so.3-x86_64-linux-gnu /usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3 ;;
  esac
  command -v dotnet >/dev/null || { echo "dotnet SDK 10 is required (https://dot.net)"; exit 1; }
}

build() {
  deps
  log "building ($CONFIG)"
  dotnet build VideoTransformers.sln -c "$CONFIG" -nologo -v:q -clp:ErrorsOnly
  if [ -d src/VideoTransformers.Cli ]; then
    dotnet publish src/VideoTransformers.Cli -c "$CONFIG" -o artifacts/vt -nologo -v:q -clp:ErrorsOnly
  fi
}

run_tests() {
  build
  log "running tests"
  local rc=0 irc=0
  # The summary must print even when tests fail, so the pipeline's status is captured rather than fatal.
  dotnet test VideoTransformers.sln -c "$CONFIG" --no-build -nologo -v:q \
    --logger "console;verbosity=minimal" --results-directory artifacts/test-results "$@" 2>&1 | tee artifacts/test.log || rc=$?
  log "install test: pack, then a fresh project outside the solution installs the package and trains"
  { pack_only && bash tests/install/run.sh; } 2>&1 | tee artifacts/install.log || irc=$?
  # One closing line for the whole suite, summed over the test assemblies, the install test counted as one test.
  awk -v irc="$irc" '/^(Passed|Failed)!/ { for (i=1;i<=NF;i++) { if ($i=="Failed:") f+=$(i+1); if ($i=="Passed:") p+=$(i+1); if ($i=="Skipped:") s+=$(i+1) } }
       END { if (irc == 0) p++; else f++; printf "Tests: %d passed, %d failed, %d skipped\n", p, f, s }' artifacts/test.log
  [ "$rc" -eq 0 ] && [ "$irc" -eq 0 ]
}

demo() {
  build
  if [ -x artifacts/vt/vt ]; then
    artifacts/vt/vt demo --out runs/demo "$@"
  else
    dotnet run --project samples/SyntheticMotion -c "$CONFIG" -- "$@"
  fi
}

pack_only() {
  rm -rf artifacts/packages
  dotnet pack VideoTransformers.sln -c "$CONFIG" --no-build -nologo -v:q -o artifacts/packages
}

pack() {
  build
  pack_only
  ls -1 artifacts/packages
}

bench() {
  build
  dotnet run --project benchmarks/VideoTransformers.Benchmarks -c "$CONFIG" -- "$@"
}

cmd=${1:-build}
shift || true
mkdir -p artifacts
case "$cmd" in
  deps) deps ;;
  build) build ;;
  test) run_tests "$@" ;;
  demo) demo "$@" ;;
  pack) pack ;;
  bench) bench "$@" ;;
  *) echo "usage: $0 {deps|build|test|demo|pack|bench}"; exit 2 ;;
esac
