#!/usr/bin/env bash
# The install test: a user's fresh console project, outside the solution, gets the library with
# `dotnet add package VideoTransformers` from the locally packed folder (the meta-package brings TorchSharp-cpu) and
# runs a page of user code (Program.cs.txt): our ViViT trained by our Trainer, then a user-defined TorchSharp module of
# our blocks trained with TorchSharp's AdamW. On Debian 12 it must build and run with no manual step: the
# VideoTransformers.Models package's build/ and buildTransitive/ targets fix libLibTorchSharp.so in the output.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
PKG=${VT_PACKAGES:-$ROOT/artifacts/packages}   # VT_PACKAGES: another folder of packed .nupkg files
[ -f "$PKG/VideoTransformers.0.1.0.nupkg" ] || { echo "install test: no packages in $PKG (run ./build.sh pack)"; exit 1; }

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
echo "install test: passed"
