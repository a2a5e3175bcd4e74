#!/bin/sh
# `opentsm device --fault list` and tests/cli/faults.txt name the same faults,
# at least 20, each once; an unknown fault name is a usage error (exit 2).
# Usage: test_cli_fault_table.sh OPENTSM FAULTS.txt
set -u
O=$1
TABLE=$2
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fails=0
"$O" device --fault list >"$TMP/list" || { echo "FAIL: --fault list exited $?"; exit 1; }
cut -d' ' -f1 "$TMP/list" | sort >"$TMP/offered"
grep -v '^#' "$TABLE" | grep -v '^$' | cut -d' ' -f1 | sort >"$TMP/tested"
n=$(wc -l <"$TMP/offered")
[ "$n" -ge 20 ] && echo "ok: $n faults offered" || { echo "FAIL: only $n faults"; fails=$((fails + 1)); }
[ -z "$(uniq -d "$TMP/tested")" ] || { echo "FAIL: rows repeated: $(uniq -d "$TMP/tested")"; fails=$((fails + 1)); }
if diff "$TMP/offered" "$TMP/tested" >"$TMP/diff"; then
  echo "ok: every fault has a row, every row a fault"
else
  echo "FAIL: --fault list and $TABLE differ (< offered only, > table only)"; cat "$TMP/diff"
  fails=$((fails + 1))
fi
while read -r name what; do
  [ -n "$what" ] || { echo "FAIL: $name has no description"; fails=$((fails + 1)); }
done <"$TMP/list"
"$O" device --fault nope >/dev/null 2>"$TMP/err"
rc=$?
[ "$rc" -eq 2 ] && grep -q "unknown fault" "$TMP/err" && echo "ok: unknown fault exits 2" ||
  { echo "FAIL: --fault nope exited $rc"; fails=$((fails + 1)); }
"$O" device --fault "km-clear," >/dev/null 2>&1
[ $? -eq 2 ] && echo "ok: trailing comma exits 2" || { echo "FAIL: trailing comma accepted"; fails=$((fails + 1)); }
# Repeated and comma-separated: every named fault is announced at start.
"$O" device --listen 127.0.0.1:0 --keys "$(dirname "$TABLE")/../vectors/spdm-emu/sample_key" \
  --fault km-clear,tdisp-clear --fault error-code \
  >"$TMP/dev.out" 2>"$TMP/dev.err" &
pid=$!
for _ in $(seq 100); do
  grep -q "listening on" "$TMP/dev.out" && break
  sleep 0.2
done
kill "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
grep -q "DELIBERATE FAULTS.*: km-clear tdisp-clear error-code$" "$TMP/dev.err" &&
  echo "ok: --fault a,b --fault c announces all three" ||
  { echo "FAIL: announcement"; cat "$TMP/dev.err"; fails=$((fails + 1)); }
[ "$fails" -eq 0 ]
