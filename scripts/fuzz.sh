#!/usr/bin/env bash
# Runs every libFuzzer target in BUILD_DIR for SECONDS each, starting from a copy
# of its seed corpus (the checked-in seeds are never modified). Fails if any
# target crashes, leaks or finds an error.
set -euo pipefail
build=${1:?usage: fuzz.sh BUILD_DIR SECONDS}
secs=${2:-10}
src=$(cd "$(dirname "$0")/.." && pwd)
work="$build/fuzz-work"
mkdir -p "$work"
found=0
for t in "$build"/tests/fuzz_*; do
  [ -x "$t" ] || continue
  found=$((found + 1))
  name=$(basename "$t")
  corpus="$work/$name"
  mkdir -p "$corpus"
  seeds="$src/tests/fuzz/corpus/$name"
  [ -d "$seeds" ] && cp -n "$seeds"/* "$corpus"/ 2>/dev/null || true
  echo "fuzz: $name for ${secs}s"
  log="$work/$name.log"
  if ! "$t" -max_total_time="$secs" -print_final_stats=1 -artifact_prefix="$work/$name-" \
       "$corpus" >"$log" 2>&1; then
    tail -n 40 "$log"
    echo "fuzz: $name FAILED (artifacts in $work)"
    exit 1
  fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n1)
  echo "fuzz: $name ok, ${runs:-?} executions"
done
if [ "$found" -eq 0 ]; then
  echo "fuzz: no targets in $build/tests"
  exit 1
fi
