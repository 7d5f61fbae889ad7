#!/usr/bin/env bash
# The install test: a user's fresh console project, outside the solution, gets the library with
# `dotnet add package VideoTransformers` from the locally packed folder and runs a dozen lines of user code
# (build a ViViT, train a few steps on the synthetic set, save a checkpoint).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
PKG="$ROOT/artifacts/packages"
[ -f "$PKG/VideoTransformers.0.1.0.nupkg" ] || { echo "install test: no packages in $PKG (run ./build.sh pack)"; exit 1; }
WORK=$(mktemp -d /tmp/vt-install.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
# A private package folder, so that a stale VideoTransformers 0.1.0 from an earlier run can never be picked up.
export NUGET_PACKAGES="$WORK/packages"
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
</configuration>
XML
dotnet add package VideoTransformers --version 0.1.0 >/dev/null
cp "$ROOT/tests/install/Program.cs.txt" Program.cs
OPENBLAS_NUM_THREADS=1 dotnet run -c Release
echo "install test: passed"
