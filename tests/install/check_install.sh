#!/usr/bin/env bash
# check_install.sh BUILD_DIR WORK_DIR — installs the build into WORK_DIR/prefix, then builds and runs
# tests/install/consumer against it with find_package(territoire).
set -euo pipefail
build="$1"; work="$2"; here="$(cd "$(dirname "$0")" && pwd)"
rm -rf "$work"; mkdir -p "$work"
cmake --install "$build" --prefix "$work/prefix" >/dev/null
cmake -S "$here/consumer" -B "$work/build" -G Ninja -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/build" >/dev/null
"$work/build/consumer"
