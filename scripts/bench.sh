#!/usr/bin/env bash
# Runs every benchmark in BUILD_DIR/bench. Benchmarks print ratios against a
# baseline measured in the same process, never absolute pass/fail times.
set -euo pipefail
build=${1:?usage: bench.sh BUILD_DIR}
found=0
for b in "$build"/bench/bench_*; do
  [ -x "$b" ] || continue
  found=1
  echo "== $(basename "$b")"
  "$b"
done
[ "$found" -eq 1 ] || { echo "bench: no benchmarks in $build/bench"; exit 1; }
